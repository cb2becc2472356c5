/**
 * The supervisor's face of one connection worker, the same for both isolations (a worker thread or a child process).
 * A ConnectionActor holds one of these; it never touches worker_threads or child_process itself.
 */
import type { Remote } from 'comlink';
import type { WorkerIsolation } from '../../protocol/index.js';
import type { SupervisorStreamMessage, WorkerApi, WorkerStreamMessage } from '../../workers/channel/worker-messages.js';

export interface WorkerExitInfo {
  /** The exit code; null when the process was ended by a signal. */
  code: number | null;
  /** 'SIGKILL', 'SIGABRT', 'SIGSEGV'… for a child process; always null for a thread. */
  signal: string | null;
  /** True only when the exit followed stop(): anything else (crash, kill(), exit, abort, OOM) is unexpected. */
  expected: boolean;
}

export type OutputSource = 'stdout' | 'stderr';

export interface WorkerHandle {
  readonly isolation: WorkerIsolation;
  readonly name: string;
  /** Process isolation only. */
  readonly pid?: number;
  /** Thread isolation only. */
  readonly threadId?: number;
  /**
   * The WorkerApi through comlink. When the worker dies every pending call rejects with
   * BridgeError('WORKER_CRASHED'), and so does every call made afterwards.
   */
  readonly api: Remote<WorkerApi>;
  /** True once the worker has exited (after the exit handlers ran). */
  readonly exited: boolean;
  /** Calls made through `api` that have not been answered yet. */
  readonly pendingCalls: number;
  sendStream(msg: SupervisorStreamMessage): void;
  onStream(handler: (msg: WorkerStreamMessage) => void): void;
  /**
   * The worker's heartbeat answers, delivered as they arrive: not through the relay scheduler, so a long queue of
   * batches cannot make a live worker look blocked (supervisor/actors/worker-watchdog.ts). Every other message from the
   * worker is reported too, as seq 0: it proves the worker's loop turned just as well.
   */
  onHeartbeat(handler: (seq: number) => void): void;
  /** Fires once per handler; a handler added after the exit is called at once (asynchronously). */
  onExit(handler: (info: WorkerExitInfo) => void): void;
  /** The worker's stdout and stderr, line by line (they never reach the supervisor's own stdout). */
  onStderr(handler: (line: string, source: OutputSource) => void): void;
  /** Asks the worker to shut down (api.shutdown) and forces it after graceMs. Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Ends the worker at once: SIGKILL for a child process, terminate() for a thread. Its exit is unexpected. */
  kill(): void;
}

export interface SpawnWorkerOptions {
  isolation: WorkerIsolation;
  /** For logs and the thread's name; never a secret. */
  name: string;
  /** Receives output from the first line on (a handler added later with onStderr misses what came before). */
  onStderr?: (line: string, source: OutputSource) => void;
  /** A V8 heap limit, so a leaking worker dies alone (thread: resourceLimits; process: --max-old-space-size). */
  maxOldGenerationSizeMb?: number;
}

export const DEFAULT_STOP_GRACE_MS = 5_000;
