/**
 * One client's bookkeeping of its runs, fed with every query.result / query.error / query.done it receives and every
 * page query.fetchMore returns. It checks the wire contract of docs/api.md ("query.run", "query.done") as the events
 * arrive: exactly one query.done per accepted run, batches of each result set numbered 0, 1, 2… with none lost,
 * repeated or out of order, nothing after `complete` or after the done, and `done.rows` equal to the rows received.
 */
import type { QueryDoneEvent, QueryErrorEvent, QueryResultEvent } from '../../protocol/index.js';

export type Report = (invariant: string, detail: string) => void;

/** A batch as query.result carries it, or a page as query.fetchMore returns it (it carries the same fields). */
export type Batch = Pick<QueryResultEvent, 'resultSetIndex' | 'batchIndex' | 'rows' | 'complete'> & Partial<QueryResultEvent>;

export interface RunOutcome {
  runId: string;
  status: QueryDoneEvent['status'];
  done: QueryDoneEvent;
  error?: QueryErrorEvent['error'];
  rowsReceived: number;
  /** Rows received per result set. */
  resultSets: number[];
}

export class RunRecord {
  runId: string | undefined;
  readonly #batchNext = new Map<number, number>();
  readonly rowsPerSet: number[] = [];
  #lastSet = -1;
  #completeSeen = false;
  error: QueryErrorEvent['error'] | undefined;
  done: QueryDoneEvent | undefined;
  #settle!: (outcome: RunOutcome) => void;
  #fail!: (error: Error) => void;
  readonly outcome: Promise<RunOutcome>;

  constructor(
    readonly sessionId: string,
    readonly onRows: (resultSetIndex: number, rows: readonly unknown[], batch: Batch) => void,
    private readonly report: Report,
  ) {
    this.outcome = new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    // A run abandoned with its client (a disconnect) never settles; nobody waits on it then.
    this.outcome.catch(() => undefined);
  }

  get label(): string {
    return `run ${this.runId ?? '(not yet accepted)'} of session ${this.sessionId}`;
  }

  batch(batch: Batch): void {
    if (this.done) {
      this.report('no event after query.done', `${this.label}: a batch (result set ${batch.resultSetIndex}, batch ${batch.batchIndex}) after its query.done`);
      return;
    }
    if (this.#completeSeen) this.report('nothing after complete', `${this.label}: a batch after the batch marked complete`);
    const set = batch.resultSetIndex;
    if (set < this.#lastSet) this.report('result sets in order', `${this.label}: result set ${set} after result set ${this.#lastSet}`);
    this.#lastSet = Math.max(this.#lastSet, set);
    const expected = this.#batchNext.get(set) ?? 0;
    if (batch.batchIndex !== expected) {
      this.report('no lost, duplicated or reordered batch', `${this.label}: result set ${set} sent batchIndex ${batch.batchIndex} where ${expected} was due`);
    }
    this.#batchNext.set(set, Math.max(expected, batch.batchIndex) + 1);
    this.rowsPerSet[set] = (this.rowsPerSet[set] ?? 0) + batch.rows.length;
    if (batch.complete) this.#completeSeen = true;
    this.onRows(set, batch.rows, batch);
  }

  fail(error: QueryErrorEvent['error']): void {
    if (this.done) this.report('no event after query.done', `${this.label}: a query.error after its query.done`);
    if (this.error) this.report('one query.error per run', `${this.label}: a second query.error (${error.code})`);
    this.error = error;
  }

  finish(done: QueryDoneEvent): void {
    if (this.done) {
      this.report('exactly one query.done', `${this.label}: a second query.done (${done.status} after ${this.done.status})`);
      return;
    }
    this.done = done;
    const received = this.rowsPerSet.reduce((sum, n) => sum + (n ?? 0), 0);
    if (done.rows !== received) this.report('done.rows = rows received', `${this.label}: query.done says ${done.rows} rows (${done.status}), ${received} arrived`);
    if (done.status === 'success' && !this.#completeSeen) this.report('success ends with complete', `${this.label}: status success without a batch marked complete`);
    if (done.status === 'error' && !this.error) this.report('error has its query.error', `${this.label}: status error without a query.error`);
    this.#settle({
      runId: done.runId,
      status: done.status,
      done,
      ...(this.error ? { error: this.error } : {}),
      rowsReceived: received,
      resultSets: this.rowsPerSet.map((n) => n ?? 0),
    });
  }

  abandon(reason: Error): void {
    if (!this.done) this.#fail(reason);
  }
}

/** The runs of one client, found by runId, or by session while a run's runId is not known yet. */
export class RunLedger {
  readonly #byRun = new Map<string, RunRecord>();
  readonly #awaitingId = new Map<string, RunRecord>();
  /** Finished runs are kept a little while to catch late duplicates, then forgotten (bounded memory). */
  readonly #finished: string[] = [];

  constructor(private readonly report: Report) {}

  /** Registers a run before its query.run is sent: its first events may arrive before the answer. */
  expect(sessionId: string, onRows: RunRecord['onRows']): RunRecord {
    const record = new RunRecord(sessionId, onRows, this.report);
    this.#awaitingId.set(sessionId, record);
    return record;
  }

  accepted(record: RunRecord, runId: string): void {
    if (record.runId !== undefined && record.runId !== runId) {
      this.report('events carry their run', `session ${record.sessionId}: events of run ${record.runId} arrived, but query.run answered ${runId}`);
    }
    record.runId = runId;
    this.#byRun.set(runId, record);
    if (this.#awaitingId.get(record.sessionId) === record) this.#awaitingId.delete(record.sessionId);
  }

  /** query.run was refused: the run never existed. */
  refused(record: RunRecord): void {
    if (this.#awaitingId.get(record.sessionId) === record) this.#awaitingId.delete(record.sessionId);
    if (record.runId !== undefined) this.report('refused run sends nothing', `${record.label}: events arrived for a run that query.run refused`);
  }

  #find(sessionId: string, runId: string): RunRecord | undefined {
    const known = this.#byRun.get(runId);
    if (known) return known;
    const waiting = this.#awaitingId.get(sessionId);
    if (waiting && waiting.runId === undefined) {
      waiting.runId = runId;
      this.#byRun.set(runId, waiting);
      return waiting;
    }
    if (this.#finished.includes(runId)) {
      this.report('no event after query.done', `run ${runId} of session ${sessionId}: an event after its query.done`);
      return undefined;
    }
    this.report('events only for accepted runs', `an event for run ${runId} of session ${sessionId}, which this client did not start`);
    return undefined;
  }

  onResult(event: QueryResultEvent): void {
    this.#find(event.sessionId, event.runId)?.batch(event);
  }

  onError(event: QueryErrorEvent): void {
    this.#find(event.sessionId, event.runId)?.fail(event.error);
  }

  onDone(event: QueryDoneEvent): void {
    const record = this.#byRun.get(event.runId);
    if (!record && this.#finished.includes(event.runId)) {
      this.report('exactly one query.done', `run ${event.runId}: a query.done after the run had ended`);
      return;
    }
    const target = record ?? this.#find(event.sessionId, event.runId);
    if (!target) return;
    target.finish(event);
    this.#byRun.delete(event.runId);
    this.#finished.push(event.runId);
    if (this.#finished.length > 2000) this.#finished.splice(0, 1000);
  }

  /** The client is gone: its runs can never end on this connection. */
  abandonAll(reason: Error): void {
    for (const record of [...this.#byRun.values(), ...this.#awaitingId.values()]) record.abandon(reason);
    this.#byRun.clear();
    this.#awaitingId.clear();
  }

  get open(): number {
    return this.#byRun.size + this.#awaitingId.size;
  }
}
