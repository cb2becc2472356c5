/**
 * One query.run as the soak does it: every row checked against the data it must be, the run's end compared with the
 * ends it may have, and a run that never gets its query.done reported instead of waited for forever.
 */
import { BridgeError, type ErrorCode, type RunOptions, type RunStatus } from '../../protocol/index.js';
import type { ClientSlot } from './client-slot.js';
import { SeriesCheck } from './expected-data.js';
import type { Batch, RunOutcome, RunRecord } from './run-ledger.js';
import { MAY_CRASH, type ConnectionKey } from './soak-context.js';

/** Checks the rows of one result set as they arrive. */
export interface RowCheck {
  take(rows: readonly unknown[]): void;
  readonly received: number;
  readonly expectedCount: number;
  readonly firstProblem: string | undefined;
}

/** The faulty connector's `rows N`: [i, 'row i'] for i = 0..N-1 (workers/connectors/faulty/faulty-connector.ts). */
export class FaultyRowsCheck implements RowCheck {
  received = 0;
  firstProblem: string | undefined;

  constructor(readonly expectedCount: number) {}

  take(rows: readonly unknown[]): void {
    for (const row of rows) {
      const cells = Array.isArray(row) ? row : Object.values(row as Record<string, unknown>);
      const i = this.received++;
      if (this.firstProblem === undefined && (Number(cells[0]) !== i || cells[1] !== `row ${i}`)) {
        this.firstProblem = `row ${i}: got ${JSON.stringify(cells)}`;
      }
    }
  }
}

export const series = (count: number): RowCheck => new SeriesCheck(count);

export interface RunSpec {
  key: ConnectionKey;
  sql: string;
  opts: RunOptions;
  /** One check per result set, in order. */
  checks: RowCheck[];
  /** The ends this run may have. */
  statuses: readonly RunStatus[];
  /** With status error: the codes it may carry. */
  errorCodes?: readonly ErrorCode[];
  /** Called once the run was accepted: cancel it later, page through it, kill its worker… */
  during?: (record: RunRecord, sessionId: string) => Promise<void>;
  /** Sees every batch (pushed or pulled) after its rows were checked. */
  onBatch?: (batch: Batch) => void;
  /** How long the run may take before its missing query.done is a violation. */
  timeoutMs?: number;
  /** Why the run is made, for a violation's details. */
  label: string;
}

const DEFAULT_TIMEOUT_MS = 300_000;

/** Runs the spec; resolves with its outcome, or undefined when the client went away meanwhile. */
export async function runChecked(slot: ClientSlot, spec: RunSpec): Promise<RunOutcome | undefined> {
  const { soak } = slot;
  const where = `${slot.name} ${spec.label} on ${spec.key}`;
  slot.target = spec.key;
  let sessionId: string;
  let started: Awaited<ReturnType<typeof slot.client.run>>;
  try {
    sessionId = await slot.session(spec.key);
    started = await slot.client.run(sessionId, spec.sql, spec.opts, (set, rows, batch) => {
    const check = spec.checks[set];
    if (check) check.take(rows);
    else if (rows.length > 0) soak.report('result sets as expected', `${where}: rows for result set ${set}, which the SQL does not have`);
      spec.onBatch?.(batch);
    });
  } catch (error) {
    // A session or run asked for while the soak is killing that connection's worker may be refused with WORKER_CRASHED.
    if (error instanceof BridgeError && error.code === 'WORKER_CRASHED' && MAY_CRASH.has(spec.key)) {
      soak.stats.refusedByCrash++;
      slot.dropSession(spec.key);
      return undefined;
    }
    throw error;
  }
  soak.stats.runs++;
  const during = spec.during?.(started.record, sessionId).catch((error: unknown) => {
    if (slot.client.closed) return;
    if (error instanceof BridgeError && error.code === 'WORKER_CRASHED' && MAY_CRASH.has(spec.key)) soak.stats.refusedByCrash++;
    else soak.report('actions succeed', `${where}: ${String(error)}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), spec.timeoutMs ?? DEFAULT_TIMEOUT_MS)));
  const outcome = await Promise.race([started.outcome.catch(() => undefined), timeout]);
  clearTimeout(timer);
  await during;
  if (outcome === 'timeout') {
    soak.report('every accepted run gets exactly one query.done', `${where}: run ${started.runId} had no query.done after ${(spec.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`);
    await slot.client.bridge.call('query.cancel', { sessionId }).catch(() => undefined);
    slot.dropSession(spec.key);
    return undefined;
  }
  if (outcome === undefined) return undefined; // the client disconnected: the bridge cannot deliver the end
  soak.stats.rows += outcome.rowsReceived;
  judge(slot, spec, outcome, where);
  return outcome;
}

function judge(slot: ClientSlot, spec: RunSpec, outcome: RunOutcome, where: string): void {
  const { soak } = slot;
  const crashedAsAllowed = outcome.status === 'error' && outcome.error?.code === 'WORKER_CRASHED' && MAY_CRASH.has(spec.key);
  if (!crashedAsAllowed) {
    if (outcome.status === 'error' && outcome.error?.code === 'WORKER_CRASHED' && !spec.statuses.includes('error')) {
      const detail = `${where}: status error (WORKER_CRASHED: ${outcome.error.message}) on a connection the soak never kills`;
      soak.stats.suspects.push({ at: Date.now(), connectionId: soak.connectionId(spec.key), invariant: 'a fault does not spread', detail });
    } else if (!spec.statuses.includes(outcome.status)) {
      soak.report('runs end as expected', `${where}: status ${outcome.status}${outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : ''}, expected ${spec.statuses.join(' or ')}`);
    } else if (outcome.status === 'error' && spec.errorCodes && !spec.errorCodes.includes(outcome.error!.code)) {
      soak.report('runs end as expected', `${where}: error ${outcome.error!.code} (${outcome.error!.message}), expected ${spec.errorCodes.join(' or ')}`);
    }
  }
  for (const [set, check] of spec.checks.entries()) {
    if (check.firstProblem) soak.report('rows are the expected data', `${where}, result set ${set}: ${check.firstProblem}`);
    if (outcome.status === 'success' && check.received !== check.expectedCount) {
      soak.report('no lost or duplicated row', `${where}, result set ${set}: ${check.received} rows, expected ${check.expectedCount}`);
    }
    if (check.received > check.expectedCount) soak.report('no lost or duplicated row', `${where}, result set ${set}: ${check.received} rows, more than the ${check.expectedCount} that exist`);
  }
  if (outcome.status === 'success' && outcome.resultSets.length !== spec.checks.length) {
    soak.report('result sets as expected', `${where}: ${outcome.resultSets.length} result sets, expected ${spec.checks.length}`);
  }
}
