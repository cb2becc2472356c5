/**
 * The watchdog of a run with a `timeoutMs` in a child-process worker, pure. The run's deadline lives in the worker,
 * which cannot run its timers while stuck in one native call (a long SQLite step: better-sqlite3 has no interrupt).
 * So, past the deadline, the supervisor asks the worker something it must answer at once (`probeWorker`): a worker
 * that answers is left alone — its own deadline, which does not count time spent waiting for a slow client, decides;
 * one that stays silent for `PROBE_ANSWER_MS` is blocked, and the parent session is told (`WORKER_BLOCKED`).
 *
 *   waiting ─after timeoutMs + RECHECK─▶ probing ─answer─▶ resting ─after RECHECK─▶ probing …
 *                                           └─silent for PROBE_ANSWER_MS─▶ blocked (final)
 *
 * A run without a timeout, or in a worker thread (whose own deadline fires), is not watched: `off` at once.
 */
import { fromPromise, sendParent, setup } from 'xstate';
import type { WorkerIsolation } from '../../protocol/index.js';

/** How long a worker gets to answer a probe (or acknowledge a cancel) before it is taken to be blocked. */
export const PROBE_ANSWER_MS = 500;
/** How often a run past its timeout checks whether its worker still answers. */
export const TIMEOUT_RECHECK_MS = 500;

export interface WatchdogInput {
  timeoutMs?: number;
  isolation: WorkerIsolation | null;
}

/** What the watchdog sends its parent when the worker stopped answering past the run's deadline. */
export interface WorkerBlockedEvent {
  type: 'WORKER_BLOCKED';
  timeoutMs: number;
}

export const blockedWorkerMachine = setup({
  types: { context: {} as WatchdogInput, input: {} as WatchdogInput },
  guards: {
    watched: ({ context }) => context.timeoutMs !== undefined && context.isolation === 'process',
  },
  actors: {
    /** Any call the worker answers without touching the driver (pool stats). */
    probeWorker: fromPromise<void>(async () => {
      throw new Error('probeWorker not provided');
    }),
  },
  delays: {
    pastDeadline: ({ context }) => context.timeoutMs! + TIMEOUT_RECHECK_MS,
  },
}).createMachine({
  id: 'blockedWorker',
  context: ({ input }) => input,
  initial: 'deciding',
  states: {
    deciding: { always: [{ guard: 'watched', target: 'waiting' }, { target: 'off' }] },
    off: { type: 'final' },
    waiting: { after: { pastDeadline: 'probing' } },
    probing: {
      invoke: { src: 'probeWorker', onDone: 'resting', onError: 'resting' },
      after: { [PROBE_ANSWER_MS]: 'blocked' },
    },
    resting: { after: { [TIMEOUT_RECHECK_MS]: 'probing' } },
    blocked: {
      type: 'final',
      entry: sendParent(({ context }): WorkerBlockedEvent => ({ type: 'WORKER_BLOCKED', timeoutMs: context.timeoutMs! })),
    },
  },
});
