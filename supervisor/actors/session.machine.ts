/**
 * A query session's lifecycle, pure: one statement list at a time, each with its own runId. Timers are `after`
 * delays; effects are the named actors and actions that session.actor.ts supplies with `.provide()`.
 *
 *   opening ─▶ idle ─RUN─▶ active: acquiring ─▶ starting ─▶ started: running ─CANCEL─▶ cancelling
 *                ▲           │ (END, WORKER_EXITED, a failed start: endRun)     (+ blocked-worker watchdog)
 *                └───────────┘                                         any ─CLOSE─▶ closing ─▶ closed
 *
 * A cancel escalates (docs/architecture.md, "Cancel escalation"): the worker stops the run on the server; past
 * `cancelGraceMs` it ends the session's own database connection; only a worker that cannot or does not answer within
 * a further `cancelGraceMs` is killed, taking every session's run on the connection with it.
 *
 * The invariant the protocol depends on: every transition out of `active` carries `endRun`, and `active` is left
 * once per run, so each accepted run gets exactly one `finishRun` (its one `query.done`). Events of another runId
 * are ignored, so a late message from an old run can never touch the current one.
 *
 * Result batches do not pass through the machine: they are hot data, and RunStream (run-stream.ts) counts, relays
 * and credits them itself. Sending each one here as an event (an assign and a snapshot per batch) was measured at
 * ~6× the supervisor's GC and health.ping p99 ~30 ms instead of ~9 ms under the concurrency benchmark. The machine
 * sees lifecycle only: `END`, and in page mode `PAGE_RELAYED` (a page was handed out: the cursor then waits).
 */
import { assign, fromPromise, setup } from 'xstate';
import type { WorkerIsolation } from '../../protocol/index.js';
import { blockedWorkerMachine, PROBE_ANSWER_MS, type WorkerBlockedEvent } from './blocked-worker.machine.js';
import { cancelled, endRun, failedStart, killWorker, stoppable, workerEnded, workerExited } from './session-actions.js';
import type { RunOutcome, SessionContext, SessionEvent, SessionInput, SessionRun } from './session-types.js';

export const sessionMachine = setup({
  types: { context: {} as SessionContext, events: {} as SessionEvent | WorkerBlockedEvent, input: {} as SessionInput },
  actors: {
    /** Leases the session's database client in the connection's worker; resolves with the worker generation. */
    openClient: fromPromise<{ generation: number }>(notProvided),
    /** A running worker (started if needed), with the session's client leased on it. */
    acquireWorker: fromPromise<{ generation: number; isolation: WorkerIsolation }, { leasedOn: number | null }>(notProvided),
    /** Registers the run's listeners and asks the worker to start it; resolves once the worker accepted it. */
    startRun: fromPromise<void, { run: SessionRun }>(notProvided),
    /** Asks the worker to stop the run; resolves when the worker acknowledged. */
    cancelRun: fromPromise<void, { runId: string; generation: number }>(notProvided),
    /**
     * Asks the worker to end the session's database connection under the run (a cancel that missed its grace).
     * Resolves whether it did, or the run's worker is gone anyway (its WORKER_EXITED ends the run).
     */
    endSessionConnection: fromPromise<boolean, { runId: string; generation: number }>(notProvided),
    /** Gives the session's client back, if it is still leased on the running worker. */
    releaseClient: fromPromise<void, { leasedOn: number | null }>(notProvided),
    blockedWorker: blockedWorkerMachine,
  },
  actions: {
    /** Sends the run's `query.error` (if any) and its one `query.done`, records history, frees the run's resources. */
    finishRun: (_, _outcome: RunOutcome) => undefined,
    /** Page mode: one more batch of credit for the run's open cursor. */
    requestPage: () => undefined,
    killWorker: (_, _params: { reason: string }) => undefined,
    logIdleClose: () => undefined,
    notifyClosed: () => undefined,
    requestCancel: assign({ run: ({ context }) => ({ ...context.run!, cancelRequested: true }) }),
    forgetRun: assign({ run: null }),
    askPage: assign(({ context: { run } }) => ({ run: { ...run!, pagesAsked: run!.pagesAsked + 1 } })),
    /** The session's client is leased on this worker generation. */
    leased: assign((_, { generation }: { generation: number }) => ({ leasedOn: generation })),
    /** The run will start on this worker generation, where the session's client is now leased. */
    acquired: assign(({ context }, { generation, isolation }: { generation: number; isolation: WorkerIsolation }) => ({
      leasedOn: generation,
      run: { ...context.run!, generation, isolation },
    })),
    rememberStopping: assign({ stopping: ({ context }) => stoppable(context.run) }),
    countPage: assign(({ context: { run } }) => ({ run: { ...run!, pagesRelayed: run!.pagesRelayed + 1 } })),
  },
  delays: {
    idleTimeout: ({ context }) => context.idleTimeoutMs,
    cancelGrace: ({ context }) => context.cancelGraceMs,
  },
  guards: {
    isCurrentRun: ({ context, event }) => 'runId' in event && event.runId === context.run?.runId,
    isRunsWorker: ({ context, event }) => event.type === 'WORKER_EXITED' && event.generation === context.run?.generation,
    cancelRequested: ({ context }) => context.run?.cancelRequested === true,
    /** Page mode, and every page asked for has been relayed: the cursor waits for the client. */
    pageDelivered: ({ context: { run } }) => run?.pageMode === true && run.pagesRelayed >= run.pagesAsked,
    inProcessWorker: ({ context }) => context.run?.isolation === 'process',
    stopsRunFirst: ({ context }) => context.stopping !== null,
    stoppingInProcess: ({ context }) => context.stopping?.isolation === 'process',
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({ ...input, run: null, leasedOn: null, openError: null, stopping: null }),
  initial: 'opening',
  states: {
    opening: {
      invoke: {
        src: 'openClient',
        onDone: { target: 'idle', actions: { type: 'leased', params: ({ event }) => event.output } },
        onError: { target: 'closing', actions: assign({ openError: ({ event }) => event.error }) },
      },
      on: { CLOSE: 'closing' },
    },
    idle: {
      after: { idleTimeout: { target: 'closing', actions: 'logIdleClose' } },
      on: { RUN: { target: 'active', actions: assign({ run: ({ event }) => event.run }) }, CLOSE: 'closing' },
    },
    active: {
      initial: 'acquiring',
      on: {
        END: { guard: 'isCurrentRun', target: 'idle', actions: endRun(workerEnded) },
        WORKER_EXITED: { guard: 'isRunsWorker', target: 'idle', actions: endRun(workerExited) },
        CLOSE: { target: 'closing', actions: ['rememberStopping', ...endRun(cancelled)] },
        PAGE_RELAYED: { guard: 'isCurrentRun', actions: 'countPage' },
        FETCH: { actions: ['askPage', 'requestPage'] },
      },
      states: {
        acquiring: {
          invoke: {
            src: 'acquireWorker',
            input: ({ context }) => ({ leasedOn: context.leasedOn }),
            onDone: [
              { guard: 'cancelRequested', target: '#session.idle', actions: [{ type: 'leased', params: ({ event }) => event.output }, ...endRun(cancelled)] },
              { target: 'starting', actions: { type: 'acquired', params: ({ event }) => event.output } },
            ],
            onError: { target: '#session.idle', actions: endRun(failedStart) },
          },
          on: { CANCEL: { actions: 'requestCancel' } },
        },
        starting: {
          invoke: {
            src: 'startRun',
            input: ({ context }) => ({ run: context.run! }),
            onDone: [{ guard: 'cancelRequested', target: 'started.cancelling' }, { target: 'started' }],
            onError: { target: '#session.idle', actions: endRun(failedStart) },
          },
          on: { CANCEL: { actions: 'requestCancel' } },
        },
        /** The worker accepted the run; the blocked-worker watchdog looks after it until it ends. */
        started: {
          invoke: { src: 'blockedWorker', input: ({ context }) => ({ timeoutMs: context.run!.timeoutMs, isolation: context.run!.isolation }) },
          on: {
            WORKER_BLOCKED: {
              actions: [assign({ run: ({ context }) => ({ ...context.run!, timedOut: true }) }), killWorker('run past its timeout in a blocked worker; killing it')],
            },
          },
          initial: 'running',
          states: {
            running: {
              initial: 'flowing',
              on: {
                CANCEL: 'cancelling',
                FETCH: { target: '.flowing', actions: ['askPage', 'requestPage'] },
              },
              states: {
                flowing: { always: { guard: 'pageDelivered', target: 'delivered' } },
                /** Page mode: a page was relayed. A run that waits for the next fetchMore counts as idle. */
                delivered: {
                  after: { idleTimeout: { target: '#session.closing', actions: ['logIdleClose', 'rememberStopping', ...endRun(cancelled)] } },
                },
              },
            },
            cancelling: {
              entry: 'requestCancel',
              // Past the grace, the session's own database connection goes, not the worker every session shares.
              after: { cancelGrace: '.endingConnection' },
              initial: 'awaitingAck',
              states: {
                // A child process that cannot even acknowledge is stuck inside one native call: killing it is the
                // only way to stop it, so the whole grace period is not waited out.
                awaitingAck: {
                  invoke: {
                    src: 'cancelRun',
                    input: ({ context }) => ({ runId: context.run!.runId, generation: context.run!.generation! }),
                    onDone: 'settled',
                    onError: 'settled',
                  },
                  after: {
                    [PROBE_ANSWER_MS]: [
                      { guard: 'inProcessWorker', target: 'settled', actions: killWorker('worker is blocked in the driver; killing it to cancel') },
                      { target: 'settled' },
                    ],
                  },
                },
                /** Acknowledged, or past the wait: query.cancel answers from here on. */
                settled: {},
                /**
                 * The driver did not stop in time: the worker is asked to end the session's database connection under
                 * the run (the run then ends cancelled, the session reconnects on its next run). Only a worker that
                 * cannot, or does not answer within a further grace, is killed.
                 */
                endingConnection: {
                  invoke: {
                    src: 'endSessionConnection',
                    input: ({ context }) => ({ runId: context.run!.runId, generation: context.run!.generation! }),
                    onDone: [
                      { guard: ({ event }) => event.output, target: 'connectionEnded' },
                      { target: 'killed', actions: killWorker('driver did not stop in time and its connection cannot be ended; killing the worker') },
                    ],
                    onError: { target: 'killed', actions: killWorker('driver did not stop in time and ending its connection failed; killing the worker') },
                  },
                  after: { cancelGrace: { target: 'killed', actions: killWorker('driver did not stop in time and the worker did not answer the request to end its connection; killing the worker') } },
                },
                /** The connection is gone, so the run's end is on its way; a worker that still does not send it goes. */
                connectionEnded: {
                  after: { cancelGrace: { target: 'killed', actions: killWorker('driver did not stop in time even after its connection was ended; killing the worker') } },
                },
                killed: {},
              },
            },
          },
        },
      },
    },
    closing: {
      initial: 'deciding',
      states: {
        deciding: { always: [{ guard: 'stopsRunFirst', target: 'stoppingRun' }, { target: 'releasing' }] },
        /** The worker's own closeSession would wait for the run: make sure a blocked worker does not hang the close. */
        stoppingRun: {
          invoke: { src: 'cancelRun', input: ({ context }) => context.stopping!, onDone: 'releasing', onError: 'releasing' },
          after: {
            [PROBE_ANSWER_MS]: [{ guard: 'stoppingInProcess', target: 'releasing', actions: killWorker('worker is blocked in the driver; killing it to close') }, { target: 'releasing' }],
          },
        },
        releasing: {
          invoke: { src: 'releaseClient', input: ({ context }) => ({ leasedOn: context.leasedOn }), onDone: '#session.closed', onError: '#session.closed' },
        },
      },
    },
    closed: { type: 'final', entry: 'notifyClosed' },
  },
});

async function notProvided(): Promise<never> {
  throw new Error('effect not provided: session.actor.ts supplies it with .provide()');
}
