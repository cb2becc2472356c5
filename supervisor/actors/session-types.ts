/**
 * The data of session.machine.ts: its context, its events, and the run it tracks. Plain values only, so a test can
 * build them and a snapshot can be inspected (debug.dumpState reads `sessionStateName` of one).
 */
import type { BridgeErrorShape, RunOptions, RunStatus, WorkerIsolation } from '../../protocol/index.js';

export interface SessionInput {
  connectionId: string;
  /**
   * After a cancel, how long the driver gets to stop before the session's database connection is ended; and then
   * how long the worker gets to end it (and the run to end) before the worker is killed.
   */
  cancelGraceMs: number;
  /** An idle session (or a page-mode run left waiting for its next fetchMore) is closed after this long. */
  idleTimeoutMs: number;
}

/** One accepted run, from query.run to its query.done. */
export interface SessionRun {
  runId: string;
  sql: string;
  opts: RunOptions;
  startedAt: number;
  /** Page mode: the first batch is pushed, each later one is pulled by query.fetchMore. */
  pageMode: boolean;
  timeoutMs?: number;
  /** Page mode: the pages relayed to the client so far (the cursor token names the next one by this count). */
  pagesRelayed: number;
  /** Page mode: the pages asked of the worker so far (the first with the run, one per fetchMore). */
  pagesAsked: number;
  /** The worker generation the run was started on (null until a worker was acquired for it). */
  generation: number | null;
  isolation: WorkerIsolation | null;
  cancelRequested: boolean;
  /** The watchdog found the run's worker blocked past the run's timeout, and it was killed. */
  timedOut: boolean;
}

/** How a run ended: what its query.done (and query.error) say. */
export interface RunOutcome {
  status: RunStatus;
  /** The worker's own count, when it reported the end (else the rows RunStream relayed). */
  rows?: number;
  rowsAffected?: number;
  error?: BridgeErrorShape;
}

export interface SessionContext extends SessionInput {
  run: SessionRun | null;
  /** The worker generation the session's database client is leased on (null: not leased). */
  leasedOn: number | null;
  /** Why opening failed (the error the worker or the connection raised). */
  openError: unknown;
  /** A run the close must stop in the worker before giving the session's client back. */
  stopping: { runId: string; generation: number; isolation: WorkerIsolation | null } | null;
}

export type SessionEvent =
  | { type: 'RUN'; run: SessionRun }
  | { type: 'CANCEL' }
  | { type: 'FETCH' }
  /** Page mode: RunStream is about to hand the client a page (batches themselves never pass through the machine). */
  | { type: 'PAGE_RELAYED'; runId: string }
  | { type: 'END'; runId: string; status: RunStatus; rows: number; rowsAffected?: number; error?: BridgeErrorShape }
  | { type: 'WORKER_EXITED'; generation: number; reason: string }
  | { type: 'CLOSE' };

/** A new run as query.run accepts it. */
export function newRun(runId: string, sql: string, opts: RunOptions, startedAt: number): SessionRun {
  return {
    runId,
    sql,
    opts,
    startedAt,
    pageMode: opts.mode === 'page',
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    pagesRelayed: 0,
    pagesAsked: opts.mode === 'page' ? 1 : 0,
    generation: null,
    isolation: null,
    cancelRequested: false,
    timedOut: false,
  };
}

/** 'opening' | 'idle' | 'running' | 'cancelling' | 'closed', as debug.dumpState shows a session. */
export function sessionStateName(value: unknown, run: SessionRun | null): string {
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0]!;
  if (top === 'active') return run?.cancelRequested ? 'cancelling' : 'running';
  return top === 'closing' ? 'closed' : top;
}
