/**
 * A query session's lifecycle, pure: one statement list at a time, each with its own runId. Timers are `after`
 * delays; effects are the named actors and actions that session.actor.ts supplies with `.provide()`.
 *
 *   opening ─▶ idle ─RUN─▶ active: acquiring ─▶ starting ─▶ started: running ─CANCEL─▶ cancelling
 *                ▲           │ (END, WORKER_EXITED, a failed start: endRun)       ║ blockedWorker watchdog
 *                └───────────┘                                         any ─CLOSE─▶ closing ─▶ closed
 *
 * The invariant the protocol depends on: every transition out of `active` carries `endRun`, and `active` is left
 * once per run, so each accepted run gets exactly one `finishRun` (its one `query.done`). Events of another runId
 * are ignored, so a late message from an old run can never touch the current one.
 */
import { and, assign, fromPromise, setup, type AnyEventObject } from 'xstate';
import { BridgeError, runTimeoutError, type WorkerIsolation } from '../../protocol/index.js';
import { blockedWorkerMachine, PROBE_ANSWER_MS, type WorkerBlockedEvent } from './blocked-worker.machine.js';
import type { RunOutcome, SessionContext, SessionEvent, SessionInput, SessionRun } from './session-types.js';

type Ending = (args: { context: SessionContext; event: AnyEventObject }) => RunOutcome;

/** The actions of a transition that ends the run: report it once (with how it ended), then forget it. */
function endRun(outcome: Ending) {
  return [{ type: 'finishRun', params: outcome }, 'forgetRun'] as const;
}

const cancelled: Ending = () => ({ status: 'cancelled' });
const failedStart: Ending = ({ context, event }) => ({
  status: context.run?.cancelRequested ? 'cancelled' : 'error',
  error: BridgeError.from(event.error).toShape(),
});

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
    /** Gives the session's client back, if it is still leased on the running worker. */
    releaseClient: fromPromise<void, { leasedOn: number | null }>(notProvided),
    blockedWorker: blockedWorkerMachine,
  },
  actions: {
    /** Sends the run's `query.error` (if any) and its one `query.done`, records history, frees the run's resources. */
    finishRun: (_, _outcome: RunOutcome) => undefined,
    /** Pushes a batch as `query.result`, or answers the waiting `query.fetchMore` with it. */
    relayBatch: () => undefined,
    /** Page mode: one more batch of credit for the run's open cursor. */
    requestPage: () => undefined,
    killWorker: (_, _params: { reason: string }) => undefined,
    logIdleClose: () => undefined,
    notifyClosed: () => undefined,
    requestCancel: assign({ run: ({ context }) => ({ ...context.run!, cancelRequested: true }) }),
    forgetRun: assign({ run: null }),
    rememberStopping: assign({ stopping: ({ context }) => stoppable(context.run) }),
    countBatch: assign({
      run: ({ context, event }) => {
        const run = context.run!;
        return { ...run, rows: run.rows + (event as { rows: number }).rows, batchesRelayed: run.batchesRelayed + 1 };
      },
    }),
  },
  delays: {
    idleTimeout: ({ context }) => context.idleTimeoutMs,
    cancelGrace: ({ context }) => context.cancelGraceMs,
  },
  guards: {
    isCurrentRun: ({ context, event }) => 'runId' in event && event.runId === context.run?.runId,
    isRunsWorker: ({ context, event }) => event.type === 'WORKER_EXITED' && event.generation === context.run?.generation,
    cancelRequested: ({ context }) => context.run?.cancelRequested === true,
    pageMode: ({ context }) => context.run?.pageMode === true,
    inProcessWorker: ({ context }) => context.run?.isolation === 'process',
    watched: ({ context }) => context.run?.timeoutMs !== undefined && context.run.isolation === 'process',
    stopsRunFirst: ({ context }) => context.stopping !== null,
    stoppingInProcess: ({ context }) => context.stopping?.isolation === 'process',
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({ ...input, run: null, outcome: null, leasedOn: null, openError: null, stopping: null }),
  initial: 'opening',
  states: {
    opening: {
      invoke: {
        src: 'openClient',
        onDone: { target: 'idle', actions: assign({ leasedOn: ({ event }) => event.output.generation }) },
        onError: { target: 'closing', actions: assign({ openError: ({ event }) => event.error }) },
      },
      on: { CLOSE: 'closing' },
    },
    idle: {
      after: { idleTimeout: { target: 'closing', actions: 'logIdleClose' } },
      on: {
        RUN: { target: 'active', actions: assign({ run: ({ event }) => event.run, outcome: null }) },
        CLOSE: 'closing',
      },
    },
    active: {
      initial: 'acquiring',
      on: {
        END: {
          guard: 'isCurrentRun',
          target: 'idle',
          actions: [
            assign({ run: ({ context, event }) => ({ ...context.run!, rows: event.rows }) }),
            ...endRun(({ event }) => ({ status: event.status, rowsAffected: event.rowsAffected, error: event.error })),
          ],
        },
        WORKER_EXITED: {
          guard: 'isRunsWorker',
          target: 'idle',
          actions: endRun(({ context, event }) => {
            const run = context.run!;
            if (run.timedOut) return { status: 'error', error: runTimeoutError(run.timeoutMs!).toShape() };
            if (run.cancelRequested) return { status: 'cancelled' };
            const reason = String(event.reason);
            const crashed = new BridgeError('WORKER_CRASHED', `The connection's worker died (${reason}); it is being restarted`, {
              connectionId: context.connectionId,
            });
            return { status: 'error', error: crashed.toShape() };
          }),
        },
        CLOSE: { target: 'closing', actions: ['rememberStopping', ...endRun(cancelled)] },
        BATCH: { guard: 'isCurrentRun', actions: ['countBatch', 'relayBatch'] },
        FETCH: { actions: 'requestPage' },
      },
      states: {
        acquiring: {
          invoke: {
            src: 'acquireWorker',
            input: ({ context }) => ({ leasedOn: context.leasedOn }),
            onDone: [
              { guard: 'cancelRequested', target: '#session.idle', actions: [assign({ leasedOn: ({ event }) => event.output.generation }), ...endRun(cancelled)] },
              {
                target: 'starting',
                actions: assign({
                  leasedOn: ({ event }) => event.output.generation,
                  run: ({ context, event }) => ({ ...context.run!, generation: event.output.generation, isolation: event.output.isolation }),
                }),
              },
            ],
            onError: { target: '#session.idle', actions: endRun(failedStart) },
          },
          on: { CANCEL: { actions: 'requestCancel' } },
        },
        starting: {
          invoke: {
            src: 'startRun',
            input: ({ context }) => ({ run: context.run! }),
            onDone: [{ guard: 'cancelRequested', target: 'started.run.cancelling' }, { target: 'started' }],
            onError: { target: '#session.idle', actions: endRun(failedStart) },
          },
          on: { CANCEL: { actions: 'requestCancel' } },
        },
        started: {
          type: 'parallel',
          states: {
            run: {
              initial: 'running',
              states: {
                running: {
                  initial: 'flowing',
                  on: {
                    CANCEL: 'cancelling',
                    // Stream mode falls through to the targetless BATCH of `active`: no timer per batch.
                    BATCH: { guard: and(['isCurrentRun', 'pageMode']), target: '.delivered', actions: ['countBatch', 'relayBatch'] },
                    FETCH: { target: '.flowing', actions: 'requestPage' },
                  },
                  states: {
                    flowing: {},
                    /** Page mode: a page was relayed. A run that waits for the next fetchMore counts as idle. */
                    delivered: {
                      after: {
                        idleTimeout: { target: '#session.closing', actions: ['logIdleClose', 'rememberStopping', ...endRun(cancelled)] },
                      },
                    },
                  },
                },
                cancelling: {
                  entry: 'requestCancel',
                  invoke: {
                    src: 'cancelRun',
                    input: ({ context }) => ({ runId: context.run!.runId, generation: context.run!.generation! }),
                    onDone: '.acknowledged',
                    onError: '.acknowledged',
                  },
                  after: { cancelGrace: { actions: { type: 'killWorker', params: { reason: 'driver did not stop in time; killing the worker' } } } },
                  initial: 'awaitingAck',
                  states: {
                    // A child process that cannot even acknowledge is stuck inside one native call: killing it is the
                    // only way to stop it, so the whole grace period is not waited out.
                    awaitingAck: {
                      after: {
                        [PROBE_ANSWER_MS]: { guard: 'inProcessWorker', target: 'acknowledged', actions: { type: 'killWorker', params: { reason: 'worker is blocked in the driver; killing it to cancel' } } },
                      },
                    },
                    acknowledged: {},
                  },
                },
              },
            },
            watchdog: {
              initial: 'deciding',
              states: {
                deciding: { always: [{ guard: 'watched', target: 'watching' }, { target: 'off' }] },
                watching: {
                  invoke: { src: 'blockedWorker', input: ({ context }) => ({ timeoutMs: context.run!.timeoutMs! }) },
                  on: {
                    WORKER_BLOCKED: {
                      target: 'off',
                      actions: [
                        assign({ run: ({ context }) => ({ ...context.run!, timedOut: true }) }),
                        { type: 'killWorker', params: { reason: 'run past its timeout in a blocked worker; killing it' } },
                      ],
                    },
                  },
                },
                off: {},
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
            [PROBE_ANSWER_MS]: [
              { guard: 'stoppingInProcess', target: 'releasing', actions: { type: 'killWorker', params: { reason: 'worker is blocked in the driver; killing it to close' } } },
              { target: 'releasing' },
            ],
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

/** The run the worker holds, which a close must stop before giving the session's client back. */
function stoppable(run: SessionRun | null): SessionContext['stopping'] {
  return run?.generation != null ? { runId: run.runId, generation: run.generation, isolation: run.isolation } : null;
}

async function notProvided(): Promise<never> {
  throw new Error('effect not provided: session.actor.ts supplies it with .provide()');
}
