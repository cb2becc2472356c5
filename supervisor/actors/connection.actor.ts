/**
 * The effects around connection.machine.ts: one worker per saved connection, started on first use, restarted with
 * backoff when it dies, stopped on close. Routes the worker's stream messages to the runs that wait for them, and
 * tells everyone (connector.status) and every session (onWorkerExit) what happened.
 */
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import {
  BridgeError,
  type ConnectionConfig,
  type ConnectorStatus,
  type ConnectorStatusEvent,
  type WorkerDebugInfo,
  type WorkerIsolation,
} from '../../protocol/index.js';
import type { HealthStreamMessage, RunStreamMessage, WorkerInitOptions } from '../../workers/channel/worker-messages.js';
import { FAULT_INJECTION_TYPE } from '../../workers/channel/connector-types.js';
import { DEFAULT_ISOLATION } from '../../workers/channel/isolation.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import { spawnConnectionWorker } from '../isolation/worker-host.js';
import type { Logger } from '../log/logger.js';
import { connectionMachine } from './connection.machine.js';
import { endOrphanedBackends } from './orphan-cleanup.js';
import { UNREF_CLOCK } from './unref-clock.js';
import { WorkerWatchdog } from './worker-watchdog.js';

/**
 * Drivers whose calls are synchronous by design (better-sqlite3): their worker's loop is legitimately silent while a
 * call runs, so the heartbeat watchdog excuses it then; blocked-worker.machine.ts watches their runs instead.
 */
const SYNCHRONOUS_DRIVERS: ReadonlySet<string> = new Set(['sqlite']);

/**
 * Every worker's V8 heap limit (thread: resourceLimits; process: --max-old-space-size), so a driver that runs out of
 * memory dies alone instead of growing until the machine swaps. Batches stream under back-pressure; 2 GiB is far
 * above what a worker needs. The test-only `faulty` connector gets a small one so that its `oom` ends quickly.
 */
export const WORKER_HEAP_LIMIT_MB = 2048;
export const FAULTY_WORKER_HEAP_LIMIT_MB = 256;

export interface ConnectionActorDeps {
  connectionId: string;
  /** The full config, secrets included; called at each (re)start so a worker never holds stale credentials. */
  loadConfig: () => Promise<ConnectionConfig>;
  emitStatus: (event: ConnectorStatusEvent) => void;
  log: Logger;
  /** How long a worker gets to shut down cleanly before it is killed. */
  stopGraceMs?: number;
  /** Given to every worker's init (fault injection, raw driver errors at debug level, the pinned SSH host keys). */
  workerInit?: WorkerInitOptions;
}

export interface ActiveWorker {
  worker: WorkerHandle;
  /** Increments with every new worker; a session opened on generation g must reopen on g+1. */
  generation: number;
}

const STATUS_OF_STATE: Record<string, ConnectorStatus | undefined> = {
  starting: 'starting',
  ready: 'ready',
  restarting: 'restarting',
  failed: 'crashed',
  crashed: 'crashed',
  closed: 'closed',
};

export class ConnectionActor {
  readonly connectionId: string;
  #worker: WorkerHandle | null = null;
  #generation = 0;
  #type: ConnectionConfig['type'] | null = null;
  #restarts = 0;
  readonly #actor: Actor<typeof connectionMachine>;
  readonly #runListeners = new Map<string, (msg: RunStreamMessage) => void>();
  readonly #exitListeners = new Set<(generation: number, reason: string) => void>();
  #lastStatus: ConnectorStatusEvent | undefined;

  constructor(private readonly deps: ConnectionActorDeps) {
    this.connectionId = deps.connectionId;
    const machine = connectionMachine.provide({
      actors: {
        startWorker: fromPromise(() => this.#startWorker()),
        stopWorker: fromPromise(() => this.#stopWorker()),
      },
    });
    this.#actor = createActor(machine, { clock: UNREF_CLOCK });
    let last: string | undefined;
    this.#actor.subscribe((snapshot) => {
      const state = String(snapshot.value);
      if (state === last) return;
      last = state;
      const status = STATUS_OF_STATE[state];
      if (status) {
        const event: ConnectorStatusEvent = { connectionId: this.connectionId, status };
        if ((status === 'crashed' || status === 'restarting') && snapshot.context.lastError) event.reason = snapshot.context.lastError;
        this.#emitStatus(event);
      }
    });
    this.#actor.start();
  }

  get state(): string {
    return String(this.#actor.getSnapshot().value);
  }

  /** The last connector.status this connection emitted (connector.statuses); undefined before its first use. */
  get lastStatus(): ConnectorStatusEvent | undefined {
    return this.#lastStatus;
  }

  #emitStatus(event: ConnectorStatusEvent): void {
    this.#lastStatus = event;
    this.deps.emitStatus(event);
  }

  /** Starts the worker if needed and resolves once it is ready. */
  async use(): Promise<ActiveWorker> {
    const state = this.state;
    if (state === 'closing' || state === 'closed') throw new BridgeError('CONNECTION_NOT_FOUND', 'The connection was closed', { id: this.connectionId });
    if (state === 'idle' || state === 'failed' || state === 'crashed') this.#actor.send({ type: 'USE' });
    await this.#ready();
    return { worker: this.#worker!, generation: this.#generation };
  }

  /** The running worker, if any, without starting one. */
  current(): ActiveWorker | null {
    return this.#worker && this.state === 'ready' ? { worker: this.#worker, generation: this.#generation } : null;
  }

  listenRun(runId: string, listener: (msg: RunStreamMessage) => void): () => void {
    this.#runListeners.set(runId, listener);
    return () => this.#runListeners.delete(runId);
  }

  onWorkerExit(listener: (generation: number, reason: string) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** Kills the worker at once (a cancel that the driver could not honour); the actor restarts it. */
  killWorker(): void {
    this.#worker?.kill();
  }

  /** Stops the worker cleanly and starts a fresh one (after connection.update). */
  async restart(): Promise<void> {
    if (this.state !== 'ready') return;
    this.#actor.send({ type: 'RESTART' });
    await this.#ready().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.#actor.send({ type: 'CLOSE' });
    await waitFor(this.#actor, (s) => s.status === 'done');
    this.#actor.stop();
  }

  debugInfo(): WorkerDebugInfo {
    const info = {
      connectionId: this.connectionId,
      type: this.#type ?? 'unknown',
      isolation: this.#worker?.isolation ?? 'thread',
      status: this.state,
      restarts: this.#restarts,
    };
    const worker = this.#worker;
    return { ...info, ...(worker?.pid ? { pid: worker.pid } : {}), ...(worker?.threadId ? { threadId: worker.threadId } : {}) };
  }

  async #startWorker(): Promise<void> {
    const config = await this.deps.loadConfig();
    this.#type = config.type;
    const isolation = config.extra?.isolation ?? DEFAULT_ISOLATION[config.type];
    const maxOldGenerationSizeMb = heapLimitOf(config.type);
    const worker = spawnConnectionWorker({ isolation, name: `${config.type}:${this.connectionId}`, maxOldGenerationSizeMb });
    const generation = ++this.#generation;
    const log = this.deps.log.child({ connectionId: this.connectionId, generation });
    /** sessionId → the server's id of that session's own connection, while it has one. */
    const backends = new Map<string, number>();
    let killedBecause: string | undefined;
    worker.onStream((msg) => {
      if (msg.type === 'health') this.#onServerHealth(msg, log);
      else if (msg.type === 'session-backend') {
        if (msg.backendId === null) backends.delete(msg.sessionId);
        else backends.set(msg.sessionId, msg.backendId);
      } else if (msg.type !== 'heartbeat') this.#runListeners.get(msg.runId)?.(msg);
    });
    worker.onStderr?.((line) => log.warn({ worker: 'stderr' }, line));
    let watchdog: WorkerWatchdog | undefined;
    worker.onExit(({ code, signal, expected }) => {
      watchdog?.stop();
      if (this.#worker === worker) this.#worker = null;
      const reason = killedBecause ?? (signal ? `worker killed by ${signal}` : `worker exited with code ${code}`);
      if (!expected) {
        this.#restarts++;
        log.warn({ code, signal, reason }, 'connection worker died');
      }
      const orphans = [...backends.values()];
      if (orphans.length > 0 && this.state !== 'closing' && this.state !== 'closed') {
        void this.#endOrphans(orphans, isolation, maxOldGenerationSizeMb, log);
      }
      for (const listener of this.#exitListeners) listener(generation, reason);
      if (!expected) this.#actor.send({ type: 'WORKER_EXITED', reason });
    });
    try {
      await worker.api.init(config, this.deps.workerInit);
    } catch (error) {
      worker.kill();
      throw error;
    }
    if (!worker.exited) {
      watchdog = new WorkerWatchdog({
        send: (seq) => worker.sendStream({ type: 'heartbeat', seq }),
        excused: () => SYNCHRONOUS_DRIVERS.has(config.type) && (this.#runListeners.size > 0 || worker.pendingCalls > 0),
        onSilent: (silentMs) => {
          killedBecause = `worker stopped answering heartbeats for ${silentMs} ms (blocked event loop) and was killed`;
          log.warn({ silentMs }, 'connection worker is blocked; killing it');
          worker.kill();
        },
      });
      worker.onHeartbeat((seq) => watchdog?.answered(seq));
    }
    this.#worker = worker;
    log.info({ isolation, workerPid: worker.pid, threadId: worker.threadId }, 'connection worker ready');
  }

  /**
   * The dead worker's sessions may still be executing on the server: end those connections from a short-lived worker
   * of this connection (orphan-cleanup.ts). Best effort; the outcome goes to the log, ids only.
   */
  async #endOrphans(backendIds: number[], isolation: WorkerIsolation, maxOldGenerationSizeMb: number, log: Logger): Promise<void> {
    try {
      const config = await this.deps.loadConfig();
      const ended = await endOrphanedBackends({
        config,
        isolation,
        backendIds,
        connectionId: this.connectionId,
        workerInit: this.deps.workerInit,
        maxOldGenerationSizeMb,
      });
      log.info({ backendIds, ended }, 'ended the database connections a dead worker left behind');
    } catch (error) {
      log.warn({ backendIds, error: error instanceof Error ? error.message : String(error) }, 'could not end the database connections a dead worker left behind');
    }
  }

  /**
   * The database server went away or came back while the worker itself is fine. docs/api.md's connector.status has no
   * 'lost': the connector is re-establishing its connection, which is `restarting` (with the reason), and `ready`
   * again once a probe reached the server.
   */
  #onServerHealth(msg: HealthStreamMessage, log: Logger): void {
    if (this.state !== 'ready') return;
    log.warn({ state: msg.state, code: msg.code }, `database server ${msg.state}: ${msg.reason}`);
    const reason = msg.state === 'lost' ? `database connection lost: ${msg.reason}` : 'database connection recovered';
    this.#emitStatus({ connectionId: this.connectionId, status: msg.state === 'lost' ? 'restarting' : 'ready', reason });
  }

  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.stop(this.deps.stopGraceMs ?? 2000);
  }

  /** Resolves once the worker is ready; rejects when it ends up unable to start instead. */
  async #ready(): Promise<void> {
    const snapshot = await waitFor(this.#actor, (s) => ['ready', 'failed', 'crashed', 'closed'].includes(String(s.value)));
    if (snapshot.value === 'ready') return;
    const message = snapshot.context.lastError ?? `connection is ${String(snapshot.value)}`;
    throw new BridgeError('WORKER_CRASHED', `The connection's worker could not start: ${message}`, { connectionId: this.connectionId });
  }
}

function heapLimitOf(type: ConnectionConfig['type'] | string): number {
  return type === FAULT_INJECTION_TYPE ? FAULTY_WORKER_HEAP_LIMIT_MB : WORKER_HEAP_LIMIT_MB;
}
