/**
 * The effects of a query session (session.machine.ts holds its lifecycle): leasing the session's database client in
 * the connection's worker, starting and cancelling runs, killing a worker that cannot stop, relaying batches to the
 * owner under flow control (through RunStream, outside the machine), and sending each accepted run's one `query.done`.
 */
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import { BridgeError, sessionBusyError, type FetchMoreResult, type RunOptions } from '../../protocol/index.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import type { Logger } from '../log/logger.js';
import type { Client, ClientRegistry } from '../rpc/client-registry.js';
import type { RawJson } from '../rpc/raw-json.js';
import type { HistoryRepo } from '../store/history-repo.js';
import { blockedWorkerMachine } from './blocked-worker.machine.js';
import type { ActiveWorker, ConnectionActor } from './connection.actor.js';
import { PageFetch } from './page-fetch.js';
import { reportRunEnd, type RunReportTarget } from './run-report.js';
import { RunStream } from './run-stream.js';
import { sessionMachine } from './session.machine.js';
import { UNREF_CLOCK } from './unref-clock.js';
import { newRun, sessionStateName, type RunOutcome, type SessionRun } from './session-types.js';

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

let runCounter = 0;

export class SessionActor {
  readonly sessionId: string;
  readonly connectionId: string;
  readonly clientId: string;
  readonly #actor: Actor<typeof sessionMachine>;
  readonly #page = new PageFetch();
  /** The worker the last acquire returned; a run starts on it. */
  #acquired: ActiveWorker | null = null;
  /** The current run's subscription and credit, from its start to its end. */
  #stream: RunStream | null = null;
  readonly #report: RunReportTarget;
  readonly #unlistenExit: () => void;

  constructor(private readonly deps: SessionDeps) {
    this.sessionId = deps.sessionId;
    this.connectionId = deps.connection.connectionId;
    this.clientId = deps.client.id;
    const { connection, log, clients, history } = deps;
    this.#report = { sessionId: this.sessionId, connectionId: this.connectionId, clientId: this.clientId, clients, history, log };
    const machine = sessionMachine.provide({
      actors: {
        openClient: fromPromise(async () => {
          const { worker, generation } = await connection.use();
          await this.#lease(worker, generation);
          return { generation };
        }),
        acquireWorker: fromPromise(async ({ input }) => {
          const active = await connection.use();
          if (input.leasedOn !== active.generation) await this.#lease(active.worker, active.generation);
          this.#acquired = active;
          return { generation: active.generation, isolation: active.worker.isolation };
        }),
        startRun: fromPromise(({ input }) => this.#startRun(input.run)),
        cancelRun: fromPromise(async ({ input }) => {
          const active = connection.current();
          if (active && active.generation === input.generation) await active.worker.api.cancelRun(this.sessionId, input.runId);
        }),
        endSessionConnection: fromPromise(async ({ input }) => {
          const active = connection.current();
          // Its worker is gone already: that ended the connection, and WORKER_EXITED ends the run.
          if (!active || active.generation !== input.generation) return true;
          return active.worker.api.endSessionConnection(this.sessionId, input.runId);
        }),
        releaseClient: fromPromise(async ({ input }) => {
          const active = connection.current();
          if (active && input.leasedOn === active.generation) await active.worker.api.closeSession(this.sessionId).catch(() => undefined);
        }),
        blockedWorker: blockedWorkerMachine.provide({ actors: { probeWorker: fromPromise<void>(() => this.#probeWorker()) } }),
      },
      actions: {
        finishRun: ({ context }, outcome) => this.#finish(context.run!, outcome),
        requestPage: () => this.#stream?.requestPage(),
        killWorker: ({ context }, { reason }) => {
          log.warn({ sessionId: this.sessionId, runId: context.run?.runId ?? context.stopping?.runId }, reason);
          connection.killWorker();
        },
        logIdleClose: () => log.info({ sessionId: this.sessionId }, 'closing idle session'),
        notifyClosed: () => {
          this.#unlistenExit();
          deps.onClosed(this.sessionId);
        },
      },
    });
    const input = { connectionId: this.connectionId, cancelGraceMs: deps.cancelGraceMs, idleTimeoutMs: deps.idleTimeoutMs };
    this.#actor = createActor(machine, { input, clock: UNREF_CLOCK });
    this.#unlistenExit = connection.onWorkerExit((generation, reason) => this.#actor.send({ type: 'WORKER_EXITED', generation, reason }));
    this.#actor.start();
  }

  get state(): string {
    const snapshot = this.#actor.getSnapshot();
    return sessionStateName(snapshot.value, snapshot.context.run);
  }

  get runId(): string | undefined {
    return this.#actor.getSnapshot().context.run?.runId ?? undefined;
  }

  /** Resolves once the session's database client is leased, so createSession reports a connection failure at once. */
  async open(): Promise<void> {
    const snapshot = await waitFor(this.#actor, (s) => !s.matches('opening'));
    if (snapshot.context.openError) throw snapshot.context.openError;
    if (!snapshot.matches('idle')) throw new BridgeError('SESSION_NOT_FOUND', `Session ${this.sessionId} was closed while it opened`);
  }

  run(sql: string, opts: RunOptions): { sessionId: string; runId: string } {
    const state = this.state;
    if (state === 'closed') throw new BridgeError('SESSION_NOT_FOUND', `Session ${this.sessionId} is closed`);
    if (state !== 'idle') throw sessionBusyError({ runId: this.runId });
    const runId = `run_${Date.now().toString(36)}_${(++runCounter).toString(36)}`;
    this.#actor.send({ type: 'RUN', run: newRun(runId, sql, opts, Date.now()) });
    return { sessionId: this.sessionId, runId };
  }

  /**
   * Resolves whether a running run was asked to stop, once its worker acknowledged (or was found blocked). The run
   * itself then ends with query.done 'cancelled'.
   */
  async cancel(): Promise<boolean> {
    if (this.state !== 'running') return false;
    this.#actor.send({ type: 'CANCEL' });
    await waitFor(this.#actor, (s) => !s.matches({ active: { started: { cancelling: 'awaitingAck' } } }));
    return true;
  }

  /** Page mode: asks the worker for exactly one more batch of the open cursor and answers with it. */
  fetchMore(cursorToken: string): Promise<RawJson<FetchMoreResult>> {
    const page = this.#page.request(this.#actor.getSnapshot().context.run, cursorToken);
    this.#actor.send({ type: 'FETCH' });
    return page;
  }

  /** Ends the run (its one query.done, 'cancelled'), gives the database client back, and forgets the session. */
  async close(): Promise<void> {
    if (this.#actor.getSnapshot().status === 'done') return;
    this.#actor.send({ type: 'CLOSE' });
    await waitFor(this.#actor, (s) => s.status === 'done');
  }

  /** Leases the session's database client in this worker generation, and gives it back if the session closed meanwhile. */
  async #lease(worker: WorkerHandle, generation: number): Promise<void> {
    await worker.api.openSession(this.sessionId);
    const snapshot = this.#actor.getSnapshot();
    // A close that ran while the lease was on its way could not release what it did not know of.
    if (snapshot.status === 'done' || snapshot.matches('closing')) {
      const active = this.deps.connection.current();
      if (active?.generation === generation) await worker.api.closeSession(this.sessionId).catch(() => undefined);
    }
  }

  async #startRun(run: SessionRun): Promise<void> {
    const { worker } = this.#acquired!;
    const stream = new RunStream(run, worker, this.deps.client, this.deps.connection, {
      onEvent: (event) => this.#actor.send(event),
      relay: (json) => {
        if (!this.#page.deliver(json)) this.deps.clients.sendRawTo(this.clientId, 'query.result', json);
      },
    });
    this.#stream = stream;
    await worker.api.startRun({ sessionId: this.sessionId, runId: run.runId, sql: run.sql, opts: run.opts, initialCredit: stream.initialCredit });
  }

  /** Any call the worker answers without touching the driver: the blocked-worker watchdog's probe. */
  async #probeWorker(): Promise<void> {
    await this.#stream?.worker.api.poolStats();
  }

  #finish(run: SessionRun, outcome: RunOutcome): void {
    const rowsRelayed = this.#stream?.rows ?? 0;
    this.#stream?.close();
    this.#stream = null;
    const { status, error } = outcome;
    this.#page.ended(run.runId, status, error ? BridgeError.from(error) : null);
    reportRunEnd(this.#report, run, outcome, rowsRelayed);
  }
}
