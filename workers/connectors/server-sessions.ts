/**
 * The session bookkeeping shared by the connectors of database servers (PostgreSQL, MySQL/MariaDB): a session leases
 * one database connection for its life, runs one statement list at a time, and is cancelled on the server from a
 * second connection (pg_cancel_backend, KILL QUERY).
 *
 * The subtle part lives here once: a cancel is sent at most once per run, and the next run on the session waits
 * until that cancel has been delivered, so a cancel that arrives late can only hit the run it was meant for, never
 * the next statement on the same connection. The connector's `stop` must still check `session.run === run` when its
 * control connection is finally there (the run may have ended meanwhile).
 */
import { BridgeError, sessionBusyError } from '../../protocol/errors.js';
import type { ConnectorRunOptions, RowBatch } from './connector.js';

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
}

export interface ServerSessionHooks<S extends ServerSession<R>, R extends ServerRunState> {
  /** Stops what the server executes for `run`, from another connection. Failures are ignored. */
  stop(session: S, run: R): Promise<unknown>;
  /** Ends the session's connection for good: a session may leave a transaction, variables or temp tables behind. */
  destroy(session: S): void;
  /** The error a run gets when the session's connection had already failed. */
  brokenError(error: unknown): BridgeError;
}

export function cancelledError(statementIndex: number): BridgeError {
  return new BridgeError('QUERY_CANCELLED', 'The run was cancelled', { statementIndex });
}

export class ServerSessions<S extends ServerSession<R>, R extends ServerRunState> {
  readonly #sessions = new Map<string, S>();
  readonly #hooks: ServerSessionHooks<S, R>;

  constructor(hooks: ServerSessionHooks<S, R>) {
    this.#hooks = hooks;
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
    if (session.broken) throw this.#hooks.brokenError(session.broken);
    const run = newRun(session);
    session.run = run;
    const onAbort = (): void => void this.#cancelRun(session, run);
    try {
      await session.cancelling;
      if (opts.signal.aborted) throw cancelledError(0);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      yield* read(session, run);
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
    this.#hooks.destroy(session);
  }

  #cancelRun(session: S, run: R): Promise<unknown> {
    if (run.cancelled) return session.cancelling ?? Promise.resolve();
    run.cancelled = true;
    const pending = this.#hooks.stop(session, run).catch(() => undefined);
    session.cancelling = pending;
    void pending.then(() => {
      if (session.cancelling === pending) session.cancelling = null;
    });
    return pending;
  }
}
