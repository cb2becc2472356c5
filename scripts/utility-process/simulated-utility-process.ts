/**
 * The main process's side of a simulated Electron utilityProcess (harness.ts says what is simulated and why): forks
 * the supervisor under the harness, as `utilityProcess.fork(dist/supervisor/main.js, flags)` would, and hands out
 * renderer ports, as the shell does with each MessageChannelMain pair. Used by the desktop integration tests and by
 * the benchmark's MessagePort client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SUPERVISOR_NODE_FLAGS } from '../../supervisor/node-flags.js';
import type { HarnessToParent, ParentToHarness } from './harness-messages.js';

/** The renderer's end of one port pair. */
export interface RendererPort {
  readonly id: number;
  /** Posts one message (the renderer posts JSON text). */
  post(data: unknown): void;
  onMessage(handler: (data: unknown) => void): void;
  /** Once, when either end closed or the utility process died. */
  onClose(handler: () => void): void;
  /** The renderer goes away (a reload): the supervisor's end sees 'close'. */
  close(): void;
}

export interface SimulatedUtilityProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the supervisor's `{ type: 'ready' }` message on its parent port. */
  readonly ready: Promise<{ type: 'ready'; pid: number; version: string }>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A new MessageChannel: one end to the supervisor through process.parentPort, the other returned. */
  openPort(): RendererPort;
  /** Posts on the supervisor's process.parentPort without a port (e.g. `{ type: 'shutdown' }`). */
  postToParentPort(data: unknown): void;
  /** What the supervisor posts on its parent port (`{ type: 'ready', … }`). */
  onParentPortMessage(listener: (data: unknown) => void): void;
  /** What it wrote to stdout and stderr. */
  output(): string;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Asks for a graceful shutdown on the parent port and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

const HARNESS = fileURLToPath(new URL('./harness.js', import.meta.url));

export function forkSimulatedUtilityProcess(opts: {
  /** The supervisor entry (dist/supervisor/main.js). */
  entry: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The harness to run (default: harness.js beside this file, so dist's beside dist's). */
  harness?: string;
  /** Extra node flags before the harness (e.g. `--import tsx` when it runs from source). */
  nodeFlags?: readonly string[];
}): SimulatedUtilityProcess {
  const harness = opts.harness ?? HARNESS;
  const child = spawn(process.execPath, [...SUPERVISOR_NODE_FLAGS, ...(opts.nodeFlags ?? []), harness, opts.entry, ...opts.args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone over the pipe: a string crosses as a string, as it does between Electron's processes.
    serialization: 'advanced',
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const ports = new Map<number, { message: Set<(data: unknown) => void>; close: Set<() => void>; closed: boolean }>();
  const parentPortListeners = new Set<(data: unknown) => void>();
  const markClosed = (id: number) => {
    const port = ports.get(id);
    if (!port || port.closed) return;
    port.closed = true;
    ports.delete(id);
    for (const handler of port.close) handler();
  };
  child.on('message', (message: HarnessToParent) => {
    if (message.kind === 'from-port') for (const handler of ports.get(message.id)?.message ?? []) handler(message.data);
    else if (message.kind === 'port-closed') markClosed(message.id);
    else for (const listener of parentPortListeners) listener(message.data);
  });

  const exited = once(child, 'exit').then(([code, signal]) => {
    // The process is gone and every port with it, as a renderer's port closes when the utility process dies.
    for (const id of [...ports.keys()]) markClosed(id);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const ready = new Promise<{ type: 'ready'; pid: number; version: string }>((resolve, reject) => {
    parentPortListeners.add((data) => {
      if ((data as { type?: unknown }).type === 'ready') resolve(data as { type: 'ready'; pid: number; version: string });
    });
    void exited.then(({ code, signal }) => reject(new Error(`utility process exited (${code ?? signal}) before ready: ${output}`)));
  });
  ready.catch(() => {});

  const tell = (message: ParentToHarness) => {
    if (child.connected) child.send(message);
  };
  let nextId = 1;

  return {
    child,
    pid: child.pid!,
    ready,
    exited,
    openPort() {
      const id = nextId++;
      const entry = { message: new Set<(data: unknown) => void>(), close: new Set<() => void>(), closed: false };
      ports.set(id, entry);
      tell({ kind: 'open-port', id });
      return {
        id,
        post: (data) => tell({ kind: 'to-port', id, data }),
        onMessage: (handler) => void entry.message.add(handler),
        onClose: (handler) => {
          if (entry.closed) queueMicrotask(handler);
          else entry.close.add(handler);
        },
        close: () => tell({ kind: 'close-port', id }),
      };
    },
    postToParentPort: (data) => tell({ kind: 'to-parent-port', data }),
    onParentPortMessage: (listener) => void parentPortListeners.add(listener),
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      tell({ kind: 'to-parent-port', data: { type: 'shutdown' } });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
