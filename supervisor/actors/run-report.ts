/**
 * How a run's end reaches the world, once per run (session.machine.ts guarantees the once): `query.error` when it
 * failed (a plain cancel is not an error), exactly one `query.done` to the session's owner, and a query_history row.
 */
import type { QueryDoneEvent } from '../../protocol/index.js';
import type { Logger } from '../log/logger.js';
import type { ClientRegistry } from '../rpc/client-registry.js';
import type { HistoryRepo } from '../store/history-repo.js';
import type { RunOutcome, SessionRun } from './session-types.js';

export interface RunReportTarget {
  sessionId: string;
  connectionId: string;
  clientId: string;
  clients: ClientRegistry;
  history: HistoryRepo;
  log: Logger;
}

/** `rowsRelayed` is the run's count when the worker did not report its own (it died, or the run was closed). */
export function reportRunEnd(target: RunReportTarget, run: SessionRun, outcome: RunOutcome, rowsRelayed: number): void {
  const { sessionId, clientId, clients } = target;
  const { status, rows = rowsRelayed, rowsAffected, error } = outcome;
  const timeMs = Date.now() - run.startedAt;
  const send = (): void => {
    if (error && !(status === 'cancelled' && error.code === 'QUERY_CANCELLED')) {
      clients.sendTo(clientId, 'query.error', { sessionId, runId: run.runId, error });
    }
    const done: QueryDoneEvent = { sessionId, runId: run.runId, rows, timeMs, status };
    if (rowsAffected !== undefined) done.rowsAffected = rowsAffected;
    clients.sendTo(clientId, 'query.done', done);
  };
  // Page mode: the last page answers its query.fetchMore through the router's promise chain, which settles only after
  // this turn, while the worker's end message often arrives in the same turn as that page. docs/api.md promises the
  // query.done after the last page, so in page mode the end is sent on the next turn, behind the page's answer (the
  // soak, scripts/soak, saw the done overtake the page under load).
  if (run.pageMode) setImmediate(send);
  else send();
  try {
    const startedAt = new Date(run.startedAt).toISOString();
    target.history.record({ connectionId: target.connectionId, sql: run.sql, startedAt, durationMs: timeMs, rows, status });
  } catch (e) {
    target.log.warn({ err: e }, 'could not record query history');
  }
}
