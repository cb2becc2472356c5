/**
 * A connection's worker lifecycle, pure: which state it is in and what to do next. The effects (spawning, stopping,
 * waiting for a backoff) are the named actors `startWorker` and `stopWorker`, provided by connection.actor.ts.
 *
 *   idle ─USE─▶ starting ─done─▶ ready ─WORKER_EXITED─▶ restarting ─after backoff─▶ starting …
 *                   └─error─▶ failed (USE retries)            the 5th crash in a row ─▶ crashed (USE retries)
 *   any ─CLOSE─▶ closing ─▶ closed
 *
 * "Five crashes" (docs/api.md, connector.status) counts deaths, not restarts: crashes 1–4 are each followed by a
 * restart (backoff 100, 200, 400, 800 ms); the fifth in a row, without STABLE_AFTER_MS of a worker staying up in
 * between, leaves the connection `crashed`, and nothing is restarted until the next use.
 */
import { assign, fromPromise, setup } from 'xstate';

/** Worker deaths in a row (without a stable period) at which the actor gives up and reports `crashed`. */
export const MAX_CONSECUTIVE_CRASHES = 5;
/** A worker that stayed up this long resets the crash count. */
export const STABLE_AFTER_MS = 30_000;

/** The wait before the restart that follows the `crashes`-th death in a row (1-based): 100 ms, doubling, at most 5 s. */
export function backoffMs(crashes: number): number {
  return Math.min(100 * 2 ** Math.max(0, crashes - 1), 5000);
}

export interface ConnectionContext {
  /** Worker deaths in a row, the current one included while `restarting`. */
  crashes: number;
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
    backoff: ({ context }) => backoffMs(context.crashes),
  },
  guards: {
    tooManyCrashes: ({ context }) => context.crashes >= MAX_CONSECUTIVE_CRASHES,
  },
}).createMachine({
  id: 'connection',
  initial: 'idle',
  context: { crashes: 0, lastError: null },
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
      after: { [STABLE_AFTER_MS]: { actions: assign({ crashes: 0 }) } },
      on: {
        WORKER_EXITED: {
          target: 'restarting',
          actions: assign({ lastError: ({ event }) => event.reason, crashes: ({ context }) => context.crashes + 1 }),
        },
        RESTART: 'stopping',
      },
    },
    /** A deliberate restart (connection.update): stop the worker cleanly, then start a new one. */
    stopping: { invoke: { src: 'stopWorker', onDone: 'starting', onError: 'starting' } },
    restarting: {
      always: { guard: 'tooManyCrashes', target: 'crashed' },
      after: { backoff: 'starting' },
    },
    failed: { on: { USE: { target: 'starting', actions: assign({ crashes: 0 }) } } },
    crashed: { on: { USE: { target: 'starting', actions: assign({ crashes: 0 }) } } },
    closing: { invoke: { src: 'stopWorker', onDone: 'closed', onError: 'closed' } },
    closed: { type: 'final' },
  },
});
