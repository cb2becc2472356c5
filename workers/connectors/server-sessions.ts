/**
 * The session bookkeeping shared by the connectors of database servers (PostgreSQL, MySQL/MariaDB): a session owns
 * one dedicated database connection (up to the connection's maxSessions, session-limit.ts), runs one statement list
 * at a time, and is cancelled on the server from a second connection (pg_cancel_backend, KILL QUERY).
 *
 * A lost connection is replaced, as desktop clients do: the run that meets the loss ends DB_CONN_LOST (with
 * `details.sessionStateLost`), the connection is given up, and the session's next run opens a new one first and says
 * so on its first batch (`sessionReconnected`) or its error — an open transaction, temp tables and session settings
 * did not survive (docs/api.md, "Lost connections").
 *
 * The subtle part lives here once: a cancel is sent at most once per run, and the next run on the session waits
 * until that cancel has been delivered, so a cancel that arrives late can only hit the run it was meant for, never
 * the next statement on the same connection. The connector's `stop` must still check `session.run === run` when its
 * control connection is finally there (the run may have ended meanwhile).
 */
import { BridgeError, sessionBusyError } from '../../protocol/errors.js';
import type { ConnectorRunOptions, RowBatch } from './connector.js';
import { claimSessionSlot, DEFAULT_MAX_SESSIONS } from './session-limit.js';
import { sendCancel } from './slow-cancel.js';

/** What every server run carries; a connector's run state extends it. */
export interface ServerRunState {
  /** Set before the server is asked to cancel; the run's reader checks it between batches. */
  cancelled: boolean;
}

/** What every server session carries; a connector's session adds its connection and the id the server knows it by. */
export interface ServerSession<R extends ServerRunState> {
  run: R | null;
  /** The cancel in flight, if any; the next run waits for it. */
  cancelling: Promise<unknown> | null;
  /** The session connection's own failure (it died while idle); the next run reports it. */
  broken: unknown;
  /** The connection was given up after a loss; the next run connects afresh first. */
  lost?: boolean;
}

export interface ServerSessionHooks<S extends ServerSession<R>, R extends ServerRunState> {
  /** Stops what the server executes for `run`, from another connection. Failures are ignored. */
  stop(session: S, run: R): Promise<unknown>;
  /** Ends the session's connection for good: a session may leave a transaction, variables or temp tables behind. */
  destroy(session: S): void;
  /**
   * Ends `run`'s reading at once, for a connection ended under it (`sever`): a driver that reports the loss only on
   * the connection, not on the streaming query, needs telling. Optional: destroy alone ends the others' runs.
   */
  interrupt?(session: S, run: R): void;
  /** The error a run gets when the session's connection had already failed. */
  brokenError(error: unknown): BridgeError;
  /** Gives the session a new connection (and whatever the server knows it by); throws the mapped connect error. */
  reconnect(session: S): Promise<void>;
  /** The id the server knows the session's connection by (pg backend pid, MySQL connection id). */
  backendId(session: S): number;
}

/** Told whenever a session's server-side connection changes: its id, or null once it has none. */
export type SessionBackendListener = (sessionId: string, backendId: number | null) => void;

export function cancelledError(statementIndex: number): BridgeError {
  return new BridgeError('QUERY_CANCELLED', 'The run was cancelled', { statementIndex });
}

export class ServerSessions<S extends ServerSession<R>, R extends ServerRunState> {
  readonly #sessions = new Map<string, S>();
  readonly #hooks: ServerSessionHooks<S, R>;
  readonly #maxSessions: number;
  /** Sessions whose connection is being made: they hold a slot already. */
  #opening = 0;
  readonly #backendListeners: SessionBackendListener[] = [];

  constructor(hooks: ServerSessionHooks<S, R>, maxSessions = DEFAULT_MAX_SESSIONS) {
    this.#hooks = hooks;
    this.#maxSessions = maxSessions;
  }

  /**
   * Subscribes to the server-side ids of the sessions' connections, so that whoever outlives this worker can end
   * them if it dies mid-statement (Connector.onSessionBackend).
   */
  onBackend(listener: SessionBackendListener): void {
    this.#backendListeners.push(listener);
  }

  /** Opens a session with `connect`'s connection, or answers SESSION_LIMIT at once when the slots are all taken. */
  async open(sessionId: string, connect: () => Promise<S>): Promise<void> {
    if (this.#sessions.has(sessionId)) return;
    claimSessionSlot(this.#sessions.size + this.#opening, this.#maxSessions);
    this.#opening++;
    try {
      const session = await connect();
      this.#sessions.set(sessionId, session);
      this.#announce(sessionId, this.#hooks.backendId(session));
    } finally {
      this.#opening--;
    }
  }

  has(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  add(sessionId: string, session: S): void {
    this.#sessions.set(sessionId, session);
  }

  get(sessionId: string): S {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new BridgeError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
    return session;
  }

  ids(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Database connections the sessions hold (or are opening) right now, for debug.dumpState. */
  connectionCount(): number {
    let live = this.#opening;
    for (const session of this.#sessions.values()) if (!session.lost) live++;
    return live;
  }

  /**
   * Runs `read` as the session's one run: SESSION_BUSY while another is running, the connection's earlier failure if
   * it has one, and only after a previous run's cancel has reached the server. `opts.signal` cancels the run.
   */
  async *run(
    sessionId: string,
    opts: ConnectorRunOptions,
    newRun: (session: S) => R,
    read: (session: S, run: R) => AsyncGenerator<RowBatch>,
  ): AsyncGenerator<RowBatch> {
    const session = this.get(sessionId);
    if (session.run !== null) throw sessionBusyError({ sessionId });
    if (session.broken && !session.lost) {
      const error = this.#hooks.brokenError(session.broken);
      this.#giveUp(sessionId, session);
      throw withDetails(error, { sessionStateLost: true });
    }
    const run = newRun(session);
    session.run = run;
    const onAbort = (): void => void this.#cancelRun(session, run);
    let reconnected = false;
    let yielded = false;
    try {
      await session.cancelling;
      if (session.lost) {
        await this.#hooks.reconnect(session);
        session.lost = false;
        session.broken = null;
        reconnected = true;
        // Closed while it reconnected: the new connection goes too.
        if (this.#sessions.get(sessionId) !== session) {
          session.lost = true;
          this.#hooks.destroy(session);
          throw new BridgeError('SESSION_NOT_FOUND', `Session ${sessionId} was closed`, { sessionId });
        }
        this.#announce(sessionId, this.#hooks.backendId(session));
      }
      if (opts.signal.aborted) throw cancelledError(0);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      for await (const batch of read(session, run)) {
        yield reconnected && !yielded ? { ...batch, sessionReconnected: true } : batch;
        yielded = true;
      }
      // A run of nothing (comments only) still tells its client that the connection is new.
      if (reconnected && !yielded) yield { resultSetIndex: 0, columns: [], rows: [], last: true, sessionReconnected: true };
    } catch (error) {
      let thrown = error;
      if ((error instanceof BridgeError && error.code === 'DB_CONN_LOST') || session.broken) {
        if (!session.lost && this.#sessions.get(sessionId) === session) this.#giveUp(sessionId, session);
        if (error instanceof BridgeError && error.code === 'DB_CONN_LOST') thrown = withDetails(error, { sessionStateLost: true });
      }
      if (reconnected && !yielded && thrown instanceof BridgeError) thrown = withDetails(thrown, { sessionReconnected: true });
      throw thrown;
    } finally {
      opts.signal.removeEventListener('abort', onAbort);
      session.run = null;
    }
  }

  /** Cancels the session's running statement on the server. Resolves true if something was running. */
  async cancel(sessionId: string): Promise<boolean> {
    const session = this.#sessions.get(sessionId);
    if (!session || session.run === null) return false;
    await this.#cancelRun(session, session.run);
    return true;
  }

  /** Cancels what runs, then ends the session's connection. Unknown ids are ignored. */
  async close(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    this.#sessions.delete(sessionId);
    if (session.run) await this.#cancelRun(session, session.run).catch(() => undefined);
    if (!session.lost) this.#hooks.destroy(session);
    this.#announce(sessionId, null);
  }

  /**
   * Ends the session's connection under its running statement: the supervisor's step when a cancel did not stop the
   * run within the cancel grace (docs/api.md, "Cancelling a run"). The run ends cancelled; the session keeps its place
   * and reconnects on its next run, its state lost as after a lost connection. A cancel still on its way is not
   * waited for (its `stop` finds `session.run !== run` and does nothing). Resolves whether a run was running.
   */
  sever(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    const run = session?.run;
    if (!session || !run || session.lost) return false;
    run.cancelled = true;
    session.cancelling = null;
    this.#giveUp(sessionId, session);
    this.#hooks.interrupt?.(session, run);
    return true;
  }

  /** Ends a connection that failed; the session keeps its place and reconnects on its next run. */
  #giveUp(sessionId: string, session: S): void {
    session.lost = true;
    session.broken = null;
    this.#hooks.destroy(session);
    this.#announce(sessionId, null);
  }

  #announce(sessionId: string, backendId: number | null): void {
    for (const listener of this.#backendListeners) listener(sessionId, backendId);
  }

  #cancelRun(session: S, run: R): Promise<unknown> {
    if (run.cancelled) return session.cancelling ?? Promise.resolve();
    run.cancelled = true;
    const pending = sendCancel(() => this.#hooks.stop(session, run)).catch(() => undefined);
    session.cancelling = pending;
    void pending.then(() => {
      if (session.cancelling === pending) session.cancelling = null;
    });
    return pending;
  }
}

function withDetails(error: BridgeError, extra: Record<string, unknown>): BridgeError {
  return new BridgeError(error.code, error.message, { ...error.details, ...extra });
}
