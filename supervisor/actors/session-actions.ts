/**
 * The action lists session.machine.ts's transitions share, pure: how each kind of ending reports its run (the
 * `finishRun` params that become query.error and query.done), and the reason a kill is logged with.
 */
import type { AnyEventObject } from 'xstate';
import { BridgeError, runTimeoutError } from '../../protocol/index.js';
import type { RunOutcome, SessionContext, SessionRun } from './session-types.js';

type Ending = (args: { context: SessionContext; event: AnyEventObject }) => RunOutcome;

/** The actions of a transition that ends the run: report it once (with how it ended), then forget it. */
export function endRun(outcome: Ending) {
  return [{ type: 'finishRun', params: outcome }, 'forgetRun'] as const;
}

export function killWorker(reason: string) {
  return { type: 'killWorker', params: { reason } } as const;
}

/** Closed, cancelled, or left unfetched: the run ends as the client's cancel would end it. */
export const cancelled: Ending = () => ({ status: 'cancelled' });

/** The worker's `end` message: its status and count are the run's. */
export const workerEnded: Ending = ({ event }) => ({ status: event.status, rows: event.rows, rowsAffected: event.rowsAffected, error: event.error });

/** The run could not be started (no worker, the lease or startRun refused). */
export const failedStart: Ending = ({ context, event }) => ({
  status: context.run?.cancelRequested ? 'cancelled' : 'error',
  error: BridgeError.from(event.error).toShape(),
});

/** The run's worker died: because the watchdog killed it, because a cancel did, or on its own. */
export const workerExited: Ending = ({ context, event }) => {
  const run = context.run!;
  if (run.timedOut) return { status: 'error', error: runTimeoutError(run.timeoutMs!).toShape() };
  if (run.cancelRequested) return { status: 'cancelled' };
  const message = `The connection's worker died (${String(event.reason)}); it is being restarted`;
  return { status: 'error', error: new BridgeError('WORKER_CRASHED', message, { connectionId: context.connectionId }).toShape() };
};

/** The run the worker holds, which a close must stop before giving the session's client back. */
export function stoppable(run: SessionRun | null): SessionContext['stopping'] {
  return run?.generation != null ? { runId: run.runId, generation: run.generation, isolation: run.isolation } : null;
}
