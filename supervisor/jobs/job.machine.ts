/**
 * One job's lifecycle, pure. The effects are named: the actor `runTask` does the work (a piscina task), the actions
 * `recordStatus` (one app.db transaction per status) and `abortTask` (stop the task and its tool) are supplied by
 * job.actor.ts with `.provide()`.
 *
 *   queued ─START─▶ active.running ─done─▶ success
 *     │               │   └─error─▶ failed (cancelled when a cancel was asked for)
 *     │               ├─CANCEL─▶ active.cancelling ─task ends─▶ cancelled
 *     │               └─SHUTDOWN─▶ active.stopping ─task ends─▶ interrupted (the bridge is going away)
 *     └─CANCEL─▶ cancelled          SHUTDOWN ─▶ (queued jobs stay queued in app.db; the actor just stops)
 *
 * `running`, `cancelling` and `stopping` sit under `active`, which owns the invoke: the task keeps running (and is
 * awaited) while a cancel is in flight, and a persisted job is never restored into `running` (app.db rewrites
 * those to `interrupted` at start, docs/architecture.md "Jobs").
 */
import { assign, fromPromise, setup } from 'xstate';
import type { BridgeErrorShape, JobStatus } from '../../protocol/index.js';

export interface JobContext {
  jobId: string;
  stopReason: 'cancel' | 'shutdown' | null;
  error: BridgeErrorShape | null;
  output: unknown;
}

export type JobEvent = { type: 'START' } | { type: 'CANCEL' } | { type: 'SHUTDOWN' };

export interface RecordStatusParams {
  status: JobStatus;
}

function toShape(error: unknown): BridgeErrorShape {
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as { code: BridgeErrorShape['code']; message?: string; details?: Record<string, unknown> };
    return { code: e.code, message: e.message ?? 'job failed', ...(e.details ? { details: e.details } : {}) };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export const jobMachine = setup({
  types: { context: {} as JobContext, events: {} as JobEvent, input: {} as { jobId: string } },
  actors: {
    runTask: fromPromise<unknown, { jobId: string }>(async () => {
      throw new Error('runTask not provided');
    }),
  },
  actions: {
    recordStatus: (_, _params: RecordStatusParams) => {
      throw new Error('recordStatus not provided');
    },
    abortTask: () => {
      throw new Error('abortTask not provided');
    },
  },
  guards: {
    cancelAsked: ({ context }) => context.stopReason === 'cancel',
    shutdownAsked: ({ context }) => context.stopReason === 'shutdown',
  },
}).createMachine({
  id: 'job',
  initial: 'queued',
  context: ({ input }) => ({ jobId: input.jobId, stopReason: null, error: null, output: null }),
  states: {
    queued: {
      on: {
        START: 'active',
        CANCEL: { target: 'cancelled', actions: assign({ stopReason: 'cancel' }) },
        SHUTDOWN: 'detached',
      },
    },
    active: {
      entry: { type: 'recordStatus', params: { status: 'running' } },
      invoke: {
        src: 'runTask',
        input: ({ context }) => ({ jobId: context.jobId }),
        onDone: [
          // A task that finished anyway after a cancel was asked still produced a complete result: keep it.
          { target: 'success', actions: assign({ output: ({ event }) => event.output }) },
        ],
        onError: [
          { guard: 'cancelAsked', target: 'cancelled' },
          { guard: 'shutdownAsked', target: 'interrupted' },
          { target: 'failed', actions: assign({ error: ({ event }) => toShape(event.error) }) },
        ],
      },
      initial: 'running',
      states: {
        running: {
          on: {
            CANCEL: { target: 'cancelling', actions: [assign({ stopReason: 'cancel' }), 'abortTask'] },
            SHUTDOWN: { target: 'stopping', actions: [assign({ stopReason: 'shutdown' }), 'abortTask'] },
          },
        },
        cancelling: {},
        stopping: {},
      },
    },
    success: { type: 'final', entry: { type: 'recordStatus', params: { status: 'success' } } },
    failed: { type: 'final', entry: { type: 'recordStatus', params: { status: 'failed' } } },
    cancelled: { type: 'final', entry: { type: 'recordStatus', params: { status: 'cancelled' } } },
    interrupted: { type: 'final', entry: { type: 'recordStatus', params: { status: 'interrupted' } } },
    /** The bridge closed while the job waited: it stays `queued` in app.db and runs at the next start. */
    detached: { type: 'final' },
  },
});
