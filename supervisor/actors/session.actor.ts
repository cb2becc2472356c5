/**
 * The effects of a query session (session.machine.ts): opening the session's database client in the connection's
 * worker, starting runs, relaying their batches to the owner under flow control, cancelling (escalating to killing
 * the worker when a driver cannot stop), and sending exactly one `query.done` per accepted run, whatever happens.
 */
import { createActor, type Actor } from 'xstate';
import {
  BridgeError,
  type BridgeErrorShape,
  type FetchMoreResult,
  type QueryDoneEvent,
  type RunOptions,
  type RunStatus,
} from '../../protocol/index.js';
import { cursorTokenFor } from '../../workers/channel/cursor-token.js';
import type { RunStreamMessage } from '../../workers/channel/worker-messages.js';
import { CreditGate, DEFAULT_CREDIT_WINDOW } from '../flow/credit-gate.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import type { Logger } from '../log/logger.js';
import type { Client, ClientRegistry } from '../rpc/client-registry.js';
import { RawJson } from '../rpc/raw-json.js';
import type { HistoryRepo } from '../store/history-repo.js';
import type { ConnectionActor } from './connection.actor.js';
import { sessionMachine, sessionStateName } from './session.machine.js';

export interface SessionDeps {
  sessionId: string;
  client: Client;
  connection: ConnectionActor;
  clients: ClientRegistry;
  history: HistoryRepo;
  log: Logger;
  /** After a cancel, how long the driver gets to stop before the worker is killed. */
  cancelGraceMs: number;
  /** An idle session is closed (its database client released) after this long without a run. */
  idleTimeoutMs: number;
  onClosed: (sessionId: string) => void;
}

interface ActiveRun {
  runId: string;
  sql: string;
  startedAt: number;
  rows: number;
  finished: boolean;
  generation: number | null;
  cleanup: Array<() => void>;
  /** Page mode: the first batch is pushed, each later one is pulled by query.fetchMore. */
  pageMode: boolean;
  batchesRelayed: number;
  worker: WorkerHandle | null;
  pendingFetch: { resolve: (page: RawJson<FetchMoreResult>) => void; reject: (error: BridgeError) => void } | null;
  /** Set when the supervisor killed a blocked worker because the run passed its timeoutMs. */
  timedOut: boolean;
}

let runCounter = 0;

/** How long a worker gets to acknowledge a cancel before it is taken to be blocked in a native call. */
const CANCEL_ACK_MS = 500;
/** How often a run past its timeout checks whether its worker still answers. */
const TIMEOUT_RECHECK_MS = 500;

/** Whether a call to the worker settles (either way) within `ms`: a worker that cannot answer is blocked. */
function answersWithin(call: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    call.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
}

function timeoutError(timeoutMs: number): BridgeErrorShape {
  return { code: 'DB_TIMEOUT', message: `The run took longer than its timeout of ${timeoutMs} ms`, details: { timeoutMs } };
}

export class SessionActor {
  readonly sessionId: string;
  readonly connectionId: string;
  readonly clientId: string;
  readonly #actor: Actor<typeof sessionMachine>;
  #run: ActiveRun | null = null;
  /** The worker generation this session's database client was opened on (null: not open). */
  #openedOn: number | null = null;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: SessionDeps) {
    this.sessionId = deps.sessionId;
    this.connectionId = deps.connection.connectionId;
    this.clientId = deps.client.id;
    this.#actor = createActor(sessionMachine).start();
  }

  get state(): string {
    return sessionStateName(this.#actor.getSnapshot().value);
  }

  get runId(): string | undefined {
    return this.#run?.runId;
  }

  /** Reserves the session's database client now, so createSession reports a connection failure at once. */
  async open(): Promise<void> {
    const { worker, generation } = await this.deps.connection.use();
    await this.#openOn(worker, generation);
    if (this.state === 'closed') throw new BridgeError('SESSION_NOT_FOUND', `Session ${this.sessionId} was closed while it opened`);
    // Idle time counts from when the session is usable, not from while its worker was still starting.
    this.#armIdleTimer();
  }

  /** Leases the session's database client in this worker generation, and gives it back if the session closed meanwhile. */
  async #openOn(worker: WorkerHandle, generation: number): Promise<void> {
    await worker.api.openSession(this.sessionId);
    this.#openedOn = generation;
    // close() ran while the lease was on its way (the client left, the idle timer fired): it could not release
    // what it did not know of, so release it here.
    if (this.state === 'closed') {
      this.#openedOn = null;
      await worker.api.closeSession(this.sessionId).catch(() => undefined);
    }
  }

  run(sql: string, opts: RunOptions): { sessionId: string; runId: string } {
    const state = this.state;
    if (state === 'closed') throw new BridgeError('SESSION_NOT_FOUND', `Session ${this.sessionId} is closed`);
    if (state !== 'idle') throw new BridgeError('SESSION_BUSY', 'The session is already running a statement list', { runId: this.#run?.runId });
    const runId = `run_${Date.now().toString(36)}_${(++runCounter).toString(36)}`;
    this.#actor.send({ type: 'RUN', runId });
    this.#clearIdleTimer();
    const run: ActiveRun = {
      runId,
      sql,
      startedAt: Date.now(),
      rows: 0,
      finished: false,
      generation: null,
      cleanup: [],
      pageMode: opts.mode === 'page',
      batchesRelayed: 0,
      worker: null,
      pendingFetch: null,
      timedOut: false,
    };
    this.#run = run;
    void this.#execute(run, sql, opts);
    return { sessionId: this.sessionId, runId };
  }

  /** Resolves whether a running run was asked to stop. The run itself then ends with query.done 'cancelled'. */
  async cancel(): Promise<boolean> {
    const run = this.#run;
    if (!run || run.finished || this.state !== 'running') return false;
    this.#actor.send({ type: 'CANCEL' });
    const grace = setTimeout(() => {
      if (run.finished) return;
      this.deps.log.warn({ sessionId: this.sessionId, runId: run.runId }, 'driver did not stop in time; killing the worker');
      this.deps.connection.killWorker();
    }, this.deps.cancelGraceMs);
    run.cleanup.push(() => clearTimeout(grace));
    const active = this.deps.connection.current();
    if (active && run.generation === active.generation) {
      const acked = await answersWithin(active.worker.api.cancelRun(this.sessionId, run.runId), CANCEL_ACK_MS);
      // A child process that cannot even answer is stuck inside one native call (a long SQLite step: better-sqlite3
      // has no interrupt). Killing it is the only way to stop it, so do not wait out the whole grace period.
      if (!acked && !run.finished && active.worker.isolation === 'process') {
        this.deps.log.warn({ sessionId: this.sessionId, runId: run.runId }, 'worker is blocked in the driver; killing it to cancel');
        this.deps.connection.killWorker();
      }
    }
    // Not started in the worker yet: #execute sees `cancelling` and ends the run itself.
    return true;
  }

  /**
   * Page mode: asks the worker for exactly one more batch of the open cursor and answers with it (spliced, not
   * parsed). The run stays open between pages; its query.done follows the page that completes it.
   */
  fetchMore(cursorToken: string): Promise<RawJson<FetchMoreResult>> {
    const run = this.#run;
    if (!run || run.finished || !run.pageMode || !run.worker) {
      throw new BridgeError('INVALID_PARAMS', "No open page-mode run on this session: run with opts.mode 'page' first", { cursorToken });
    }
    if (run.pendingFetch) throw new BridgeError('SESSION_BUSY', 'A query.fetchMore is already waiting for its page', { cursorToken });
    const expected = cursorTokenFor(run.runId, run.batchesRelayed);
    if (cursorToken !== expected || run.batchesRelayed === 0) {
      throw new BridgeError('INVALID_PARAMS', 'Unknown or stale cursorToken: pass the one of the last page received', { cursorToken });
    }
    this.#clearIdleTimer();
    const worker = run.worker;
    return new Promise((resolve, reject) => {
      run.pendingFetch = { resolve, reject };
      worker.sendStream({ type: 'credit', runId: run.runId, batches: 1 });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const run = this.#run;
    if (run && !run.finished) await this.cancel();
    // The run ends (its one query.done) before the session does; the worker may still send its own 'end', ignored.
    if (run && !run.finished) this.#finish(run, 'cancelled', undefined, undefined);
    this.#actor.send({ type: 'CLOSE' });
    this.#clearIdleTimer();
    const active = this.deps.connection.current();
    if (active && this.#openedOn === active.generation) await active.worker.api.closeSession(this.sessionId).catch(() => undefined);
    this.#openedOn = null;
    this.#actor.stop();
    this.deps.onClosed(this.sessionId);
  }

  async #execute(run: ActiveRun, sql: string, opts: RunOptions): Promise<void> {
    try {
      const { worker, generation } = await this.deps.connection.use();
      if (this.#openedOn !== generation) await this.#openOn(worker, generation);
      if (run.finished) return;
      if (this.state === 'cancelling') return this.#finish(run, 'cancelled', undefined, undefined);
      run.generation = generation;

      run.worker = worker;
      // Page mode grants one batch now and one per fetchMore; stream mode keeps a window full while the client reads.
      const gate = run.pageMode
        ? null
        : new CreditGate(
            { bufferedBytes: () => this.deps.client.transport.bufferedBytes(), onDrain: (l) => this.deps.client.onDrain(l) },
            (batches) => worker.sendStream({ type: 'credit', runId: run.runId, batches }),
          );
      if (gate) run.cleanup.push(() => gate.close());
      run.cleanup.push(this.deps.connection.listenRun(run.runId, (msg) => this.#onStream(run, gate, msg)));
      run.cleanup.push(
        this.deps.connection.onWorkerExit((gen, reason) => {
          if (gen !== generation) return;
          this.#openedOn = null;
          if (run.timedOut) this.#finish(run, 'error', undefined, timeoutError(opts.timeoutMs!));
          else if (this.state === 'cancelling') this.#finish(run, 'cancelled', undefined, undefined);
          else this.#finish(run, 'error', undefined, { code: 'WORKER_CRASHED', message: `The connection's worker died (${reason}); it is being restarted`, details: { connectionId: this.connectionId } });
        }),
      );
      await worker.api.startRun({ sessionId: this.sessionId, runId: run.runId, sql, opts, initialCredit: run.pageMode ? 1 : DEFAULT_CREDIT_WINDOW });
      if (opts.timeoutMs !== undefined && worker.isolation === 'process') this.#watchTimeout(run, worker, opts.timeoutMs);
    } catch (error) {
      if (run.finished) return;
      const shape = BridgeError.from(error).toShape();
      this.#finish(run, this.state === 'cancelling' ? 'cancelled' : 'error', undefined, shape);
    }
  }

  /**
   * The run's deadline lives in the worker, which cannot run its timers while stuck in one native call (a long
   * SQLite step). Past the deadline, a process worker that no longer answers is killed and the run ends DB_TIMEOUT.
   * A worker that answers is left alone: its own deadline, which does not count time spent waiting for a slow
   * client, decides.
   */
  #watchTimeout(run: ActiveRun, worker: WorkerHandle, timeoutMs: number): void {
    const check = async (): Promise<void> => {
      if (run.finished) return;
      if (!(await answersWithin(worker.api.poolStats(), CANCEL_ACK_MS)) && !run.finished) {
        this.deps.log.warn({ sessionId: this.sessionId, runId: run.runId, timeoutMs }, 'run past its timeout in a blocked worker; killing it');
        run.timedOut = true;
        this.deps.connection.killWorker();
        return;
      }
      timer = setTimeout(() => void check(), TIMEOUT_RECHECK_MS);
    };
    let timer = setTimeout(() => void check(), timeoutMs + TIMEOUT_RECHECK_MS);
    run.cleanup.push(() => clearTimeout(timer));
  }

  #onStream(run: ActiveRun, gate: CreditGate | null, msg: RunStreamMessage): void {
    if (run.finished) return;
    if (msg.type === 'batch') {
      run.rows += msg.rows;
      run.batchesRelayed++;
      const fetch = run.pendingFetch;
      run.pendingFetch = null;
      if (fetch) fetch.resolve(new RawJson<FetchMoreResult>(msg.json));
      else this.deps.clients.sendRawTo(this.clientId, 'query.result', msg.json);
      gate?.delivered();
      // A page-mode run that waits for the next fetchMore counts as idle: an abandoned cursor is closed in time.
      if (run.pageMode) this.#armIdleTimer();
      return;
    }
    run.rows = msg.rows;
    this.#finish(run, msg.status, msg.rowsAffected, msg.error);
  }

  #finish(run: ActiveRun, status: RunStatus, rowsAffected: number | undefined, error: BridgeErrorShape | undefined): void {
    if (run.finished) return;
    run.finished = true;
    for (const fn of run.cleanup) fn();
    if (run.pendingFetch) {
      run.pendingFetch.reject(
        error ? BridgeError.from(error) : new BridgeError('QUERY_CANCELLED', `The run ended (${status}) before the page arrived`),
      );
      run.pendingFetch = null;
    }
    const timeMs = Date.now() - run.startedAt;
    if (error && !(status === 'cancelled' && error.code === 'QUERY_CANCELLED')) {
      this.deps.clients.sendTo(this.clientId, 'query.error', { sessionId: this.sessionId, runId: run.runId, error });
    }
    const done: QueryDoneEvent = { sessionId: this.sessionId, runId: run.runId, rows: run.rows, timeMs, status };
    if (rowsAffected !== undefined) done.rowsAffected = rowsAffected;
    this.deps.clients.sendTo(this.clientId, 'query.done', done);
    try {
      this.deps.history.record({ connectionId: this.connectionId, sql: run.sql, startedAt: new Date(run.startedAt).toISOString(), durationMs: timeMs, rows: run.rows, status });
    } catch (e) {
      this.deps.log.warn({ err: e }, 'could not record query history');
    }
    this.#actor.send({ type: 'RUN_ENDED', runId: run.runId });
    if (this.#run === run) this.#run = null;
    if (this.state === 'idle') this.#armIdleTimer();
  }

  #armIdleTimer(): void {
    this.#clearIdleTimer();
    this.#idleTimer = setTimeout(() => {
      this.deps.log.info({ sessionId: this.sessionId }, 'closing idle session');
      void this.close();
    }, this.deps.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
