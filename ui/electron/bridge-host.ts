/**
 * The main process's hold on the bridge (docs/architecture.md, "Desktop mode"): the supervisor runs in an Electron
 * utilityProcess; each renderer that asks gets one end of a fresh MessageChannelMain and the supervisor the other,
 * so the renderer speaks JSON-RPC to it with no TCP port anywhere. When the utility process dies, every renderer is
 * told, the bridge is started again after RestartBackoff's delay, and the renderers ask for new ports once it is
 * ready.
 *
 * Electron is reached only through BridgeHostDeps (main.ts wires the real utilityProcess and MessageChannelMain), so
 * this logic is unit-tested in Node without the Electron binary.
 */
import type { DesktopBridgeState } from '../src/bridge/desktop-api.js';
import { RestartBackoff } from './restart-backoff.js';

/** An end of a MessageChannelMain, as far as the host passes it around. */
export interface HostPort {
  close(): void;
}

/** Electron's UtilityProcess, as far as the host uses it. */
export interface UtilityChild {
  readonly pid: number | undefined;
  postMessage(message: unknown, transfer?: HostPort[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  kill(): boolean;
}

export interface BridgeHostDeps<P extends HostPort> {
  /** Starts the supervisor: `utilityProcess.fork(dist/supervisor/main.js, ['--parent-port', '--no-listen', …])`. */
  fork(): UtilityChild;
  createChannel(): { port1: P; port2: P };
  /** Tells every window. */
  broadcast(state: DesktopBridgeState): void;
  log(message: string, details?: Record<string, unknown>): void;
  now?(): number;
  setTimer?(callback: () => void, ms: number): () => void;
  backoff?: RestartBackoff;
}

/** Hands the renderer's end of a port pair to one renderer. */
export type PortDelivery<P> = (port: P) => void;

const GRACEFUL_STOP_MS = 5_000;

export class BridgeHost<P extends HostPort> {
  readonly #deps: BridgeHostDeps<P>;
  readonly #backoff: RestartBackoff;
  readonly #now: () => number;
  readonly #setTimer: (callback: () => void, ms: number) => () => void;
  #child: UtilityChild | null = null;
  #ready = false;
  #startedAt = 0;
  #stopping: Promise<void> | null = null;
  #cancelRestart: (() => void) | null = null;
  /** Renderers waiting for a port, by renderer: a renderer that asks twice gets one port, the latest asked for. */
  readonly #waiting = new Map<number, PortDelivery<P>>();
  #state: DesktopBridgeState = { kind: 'restarting', exitCode: null, attempt: 0, retryInMs: 0 };

  constructor(deps: BridgeHostDeps<P>) {
    this.#deps = deps;
    this.#backoff = deps.backoff ?? new RestartBackoff();
    this.#now = deps.now ?? Date.now;
    this.#setTimer =
      deps.setTimer ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      });
  }

  get state(): DesktopBridgeState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#child || this.#stopping) return;
    this.#cancelRestart?.();
    this.#cancelRestart = null;
    const child = this.#deps.fork();
    this.#child = child;
    this.#ready = false;
    this.#startedAt = this.#now();
    child.on('message', (message) => {
      if (this.#child !== child || (message as { type?: unknown } | null)?.type !== 'ready') return;
      this.#ready = true;
      this.#deps.log('bridge ready', { pid: child.pid });
      this.#setState({ kind: 'ready' });
      for (const [renderer, deliver] of [...this.#waiting]) {
        this.#waiting.delete(renderer);
        this.#connect(deliver);
      }
    });
    child.on('exit', (code) => this.#exited(child, code));
  }

  /** A renderer (by its webContents id) asks for a port; it gets one now, or as soon as the bridge is ready. */
  requestPort(renderer: number, deliver: PortDelivery<P>): void {
    if (this.#ready && this.#child) this.#connect(deliver);
    else this.#waiting.set(renderer, deliver);
  }

  /** The renderer is gone (window closed): forget its request. */
  forget(renderer: number): void {
    this.#waiting.delete(renderer);
  }

  /** The menu's "Restart bridge": the backoff starts over and a fresh process starts (the running one is ended). */
  restart(): void {
    this.#backoff.reset();
    if (this.#child) this.#child.kill();
    else this.start();
  }

  /** Quitting: asks the supervisor to shut down gracefully (runs cancelled, files closed), kills it after 5 s. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      this.#cancelRestart?.();
      const child = this.#child;
      if (!child) return resolve();
      // A message and not a signal: Windows has no SIGTERM, and kill() there is TerminateProcess.
      child.postMessage({ type: 'shutdown' });
      const cancelKill = this.#setTimer(() => child.kill(), GRACEFUL_STOP_MS);
      child.on('exit', () => {
        cancelKill();
        resolve();
      });
    });
    return this.#stopping;
  }

  #connect(deliver: PortDelivery<P>): void {
    const { port1, port2 } = this.#deps.createChannel();
    this.#child!.postMessage({ type: 'client-port' }, [port1]);
    deliver(port2);
  }

  #exited(child: UtilityChild, code: number | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    this.#ready = false;
    if (this.#stopping) return;
    const uptimeMs = this.#now() - this.#startedAt;
    const decision = this.#backoff.afterExit(uptimeMs);
    this.#deps.log('bridge exited', { code, uptimeMs, decision });
    if (!decision.restart) {
      this.#setState({ kind: 'failed', exitCode: code });
      return;
    }
    this.#setState({ kind: 'restarting', exitCode: code, attempt: decision.attempt, retryInMs: decision.delayMs });
    this.#cancelRestart = this.#setTimer(() => {
      this.#cancelRestart = null;
      this.start();
    }, decision.delayMs);
  }

  #setState(state: DesktopBridgeState): void {
    this.#state = state;
    this.#deps.broadcast(state);
  }
}
