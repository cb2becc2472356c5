/**
 * A query session, pure: one statement list at a time, each with its own runId.
 *
 *   idle ─RUN─▶ running ─CANCEL─▶ cancelling
 *     ▲            │                  │
 *     └──RUN_ENDED─┴──────────────────┘        any ─CLOSE─▶ closed
 *
 * The invariant the protocol depends on: a run leaves `running`/`cancelling` exactly once (RUN_ENDED), and that
 * is when its single `query.done` is sent. RUN_ENDED for another runId is ignored, so a late message from an old
 * run can never end the current one.
 */
import { assign, setup } from 'xstate';

export interface SessionContext {
  runId: string | null;
  runs: number;
}

export type SessionEvent =
  | { type: 'RUN'; runId: string }
  | { type: 'CANCEL' }
  | { type: 'RUN_ENDED'; runId: string }
  | { type: 'CLOSE' };

export const sessionMachine = setup({
  types: { context: {} as SessionContext, events: {} as SessionEvent },
  guards: {
    isCurrentRun: ({ context, event }) => event.type === 'RUN_ENDED' && event.runId === context.runId,
  },
}).createMachine({
  id: 'session',
  initial: 'idle',
  context: { runId: null, runs: 0 },
  states: {
    idle: {
      on: {
        RUN: { target: 'active', actions: assign({ runId: ({ event }) => event.runId, runs: ({ context }) => context.runs + 1 }) },
        CLOSE: 'closed',
      },
    },
    active: {
      initial: 'running',
      on: {
        RUN_ENDED: { guard: 'isCurrentRun', target: 'idle', actions: assign({ runId: null }) },
        CLOSE: 'closed',
      },
      states: {
        running: { on: { CANCEL: 'cancelling' } },
        cancelling: {},
      },
    },
    closed: { type: 'final', entry: assign({ runId: null }) },
  },
});

/** 'idle' | 'running' | 'cancelling' | 'closed', from a snapshot value. */
export function sessionStateName(value: unknown): string {
  return typeof value === 'string' ? value : String(Object.values(value as Record<string, string>)[0]);
}
