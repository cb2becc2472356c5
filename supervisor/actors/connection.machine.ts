/**
 * A connection's worker lifecycle, pure: which state it is in and what to do next. The effects (spawning, stopping,
 * waiting for a backoff) are the named actors `startWorker` and `stopWorker`, provided by connection.actor.ts.
 *
 *   idle ─USE─▶ starting ─done─▶ ready ─WORKER_EXITED─▶ restarting ─after backoff─▶ starting …
 *                   └─error─▶ failed (USE retries)            too many restarts in a row ─▶ crashed (USE retries)
 *   any ─CLOSE─▶ closing ─▶ closed
 */
import { assign, fromPromise, setup } from 'xstate';

/** Restarts in a row (without a stable period) before the actor gives up and reports `crashed`. */
export const MAX_CONSECUTIVE_RESTARTS = 5;
/** A worker that stayed up this long resets the restart count. */
export const STABLE_AFTER_MS = 30_000;

export function backoffMs(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 5000);
}

export interface ConnectionContext {
  restarts: number;
  lastError: string | null;
}

export type ConnectionEvent =
  | { type: 'USE' }
  | { type: 'WORKER_EXITED'; reason: string }
  | { type: 'RESTART' }
  | { type: 'CLOSE' };

export const connectionMachine = setup({
  types: { context: {} as ConnectionContext, events: {} as ConnectionEvent },
  actors: {
    startWorker: fromPromise<void>(async () => {
      throw new Error('startWorker not provided');
    }),
    stopWorker: fromPromise<void>(async () => {
      throw new Error('stopWorker not provided');
    }),
  },
  delays: {
    backoff: ({ context }) => backoffMs(context.restarts),
  },
  guards: {
    tooManyRestarts: ({ context }) => context.restarts >= MAX_CONSECUTIVE_RESTARTS,
  },
}).createMachine({
  id: 'connection',
  initial: 'idle',
  context: { restarts: 0, lastError: null },
  on: { CLOSE: '.closing' },
  states: {
    idle: { on: { USE: 'starting' } },
    starting: {
      invoke: {
        src: 'startWorker',
        onDone: { target: 'ready', actions: assign({ lastError: null }) },
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => String((event.error as Error)?.message ?? event.error) }) },
      },
    },
    ready: {
      after: { [STABLE_AFTER_MS]: { actions: assign({ restarts: 0 }) } },
      on: {
        WORKER_EXITED: { target: 'restarting', actions: assign({ lastError: ({ event }) => event.reason }) },
        RESTART: 'stopping',
      },
    },
    /** A deliberate restart (connection.update): stop the worker cleanly, then start a new one. */
    stopping: { invoke: { src: 'stopWorker', onDone: 'starting', onError: 'starting' } },
    restarting: {
      always: { guard: 'tooManyRestarts', target: 'crashed' },
      after: { backoff: { target: 'starting', actions: assign({ restarts: ({ context }) => context.restarts + 1 }) } },
    },
    failed: { on: { USE: 'starting' } },
    crashed: { on: { USE: { target: 'starting', actions: assign({ restarts: 0 }) } } },
    closing: { invoke: { src: 'stopWorker', onDone: 'closed', onError: 'closed' } },
    closed: { type: 'final' },
  },
});
