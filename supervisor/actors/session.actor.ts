/**
 * The effects of a query session (session.machine.ts holds its lifecycle): leasing the session's database client in
 * the connection's worker, starting and cancelling runs, killing a worker that cannot stop, relaying batches to the
 * owner under flow control, and sending each accepted run's one `query.done`.
 */
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import { BridgeError, sessionBusyError, type FetchMoreResult, type QueryDoneEvent, type RunOptions } from '../../protocol/index.js';
import type { RunStreamMessage } from '../../workers/channel/worker-messages.js';
import { CreditGate, DEFAULT_CREDIT_WINDOW } from '../flow/credit-gate.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import type { Logger } from '../log/logger.js';
import type { Client, ClientRegistry } from '../rpc/client-registry.js';
import type { RawJson } from '../rpc/raw-json.js';
import type { HistoryRepo } from '../store/history-repo.js';
import { blockedWorkerMachine } from './blocked-worker.machine.js';
import type { ActiveWorker, ConnectionActor } from './connection.actor.js';
import { PageFetch } from './page-fetch.js';
import { sessionMachine } from './session.machine.js';
import { UNREF_CLOCK } from './unref-clock.js';
import { newRun, sessionStateName, type RunOutcome, type SessionEvent, type SessionRun } from './session-types.js';

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

/** What the current run holds outside the machine: its worker, its flow control, its stream subscription. */
interface RunResources {
  worker: WorkerHandle;
  gate: CreditGate | null;
  unlisten: () => void;
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
  #resources: RunResources | null = null;
  readonly #unlistenExit: () => void;

  constructor(private readonly deps: SessionDeps) {
    this.sessionId = deps.sessionId;
    this.connectionId = deps.connection.connectionId;
    this.clientId = deps.client.id;
    const { connection, log } = deps;
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
        releaseClient: fromPromise(async ({ input }) => {
          const active = connection.current();
          if (active && input.leasedOn === active.generation) await active.worker.api.closeSession(this.sessionId).catch(() => undefined);
        }),
        blockedWorker: blockedWorkerMachine.provide({
          actors: {
            probeWorker: fromPromise<void>(async () => {
              await this.#resources?.worker.api.poolStats();
            }),
          },
        }),
      },
      actions: {
        finishRun: ({ context }, outcome) => this.#finish(context.run!, outcome),
        relayBatch: ({ event }) => {
          if (event.type !== 'BATCH') return;
          if (!this.#page.deliver(event.json)) deps.clients.sendRawTo(this.clientId, 'query.result', event.json);
          this.#resources?.gate?.delivered();
        },
        requestPage: ({ context }) => this.#resources?.worker.sendStream({ type: 'credit', runId: context.run!.runId, batches: 1 }),
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
    await waitFor(this.#actor, (s) => !s.matches({ active: { started: { run: { cancelling: 'awaitingAck' } } } }));
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
    // Page mode grants one batch now and one per fetchMore; stream mode keeps a window full while the client reads.
    const gate = run.pageMode
      ? null
      : new CreditGate(
          { bufferedBytes: () => this.deps.client.transport.bufferedBytes(), onDrain: (listener) => this.deps.client.onDrain(listener) },
          (batches) => worker.sendStream({ type: 'credit', runId: run.runId, batches }),
        );
    const unlisten = this.deps.connection.listenRun(run.runId, (msg) => this.#actor.send(streamEvent(msg)));
    this.#resources = { worker, gate, unlisten };
    const initialCredit = run.pageMode ? 1 : DEFAULT_CREDIT_WINDOW;
    await worker.api.startRun({ sessionId: this.sessionId, runId: run.runId, sql: run.sql, opts: run.opts, initialCredit });
  }

  #finish(run: SessionRun, { status, rowsAffected, error }: RunOutcome): void {
    const resources = this.#resources;
    this.#resources = null;
    resources?.unlisten();
    resources?.gate?.close();
    this.#page.fail(error ? BridgeError.from(error) : new BridgeError('QUERY_CANCELLED', `The run ended (${status}) before the page arrived`));
    const timeMs = Date.now() - run.startedAt;
    if (error && !(status === 'cancelled' && error.code === 'QUERY_CANCELLED')) {
      this.deps.clients.sendTo(this.clientId, 'query.error', { sessionId: this.sessionId, runId: run.runId, error });
    }
    const done: QueryDoneEvent = { sessionId: this.sessionId, runId: run.runId, rows: run.rows, timeMs, status };
    if (rowsAffected !== undefined) done.rowsAffected = rowsAffected;
    this.deps.clients.sendTo(this.clientId, 'query.done', done);
    try {
      const startedAt = new Date(run.startedAt).toISOString();
      this.deps.history.record({ connectionId: this.connectionId, sql: run.sql, startedAt, durationMs: timeMs, rows: run.rows, status });
    } catch (e) {
      this.deps.log.warn({ err: e }, 'could not record query history');
    }
  }
}

function streamEvent(msg: RunStreamMessage): SessionEvent {
  if (msg.type === 'batch') return { type: 'BATCH', runId: msg.runId, rows: msg.rows, json: msg.json };
  return { type: 'END', runId: msg.runId, status: msg.status, rows: msg.rows, rowsAffected: msg.rowsAffected, error: msg.error };
}
