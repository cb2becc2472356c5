/**
 * One run of a statement list inside a connection worker: pulls RowBatches from the connector, encodes each once,
 * and sends it on the stream channel while it holds credit. Ends with exactly one 'end' message, whatever happens.
 *
 * Back-pressure: a batch is pulled from the connector only when there is credit to send it, so a slow client stops
 * the database cursor, not a buffer. The one exception is a single look-ahead after a result set's last batch: it is
 * the only way to learn whether another result set follows (the `complete` flag of the batch in hand).
 */
import { BridgeError, runTimeoutError } from '../protocol/errors.js';
import { DEFAULT_BATCH_SIZE } from '../protocol/run-defaults.js';
import type { ErrorCode, RunStatus } from '../protocol/index.js';
import type { Connector, RowBatch } from './connectors/connector.js';
import { toBridgeError } from './channel/error-transfer.js';
import { cursorTokenFor } from './channel/cursor-token.js';
import { ResultBatchEncoder } from './result-batch-encoder.js';
import { RunDeadline } from './run-deadline.js';
import type { RunRequest, WorkerStreamMessage } from './channel/worker-messages.js';

type StopReason = 'cancel' | 'timeout' | 'truncate';

export class QueryRun {
  readonly sessionId: string;
  readonly runId: string;
  /** Settles after the run's 'end' has been sent. Never rejects. */
  readonly done: Promise<void>;
  readonly #connector: Connector;
  readonly #request: RunRequest;
  readonly #send: (message: WorkerStreamMessage) => void;
  readonly #abort = new AbortController();
  readonly #deadline: RunDeadline;
  #stopReason: StopReason | undefined;
  #credit: number;
  #creditWaiter: (() => void) | undefined;
  #rows = 0;
  #rowsAffected: number | undefined;
  #ended = false;
  #completeSent = false;

  constructor(connector: Connector, request: RunRequest, send: (message: WorkerStreamMessage) => void) {
    this.sessionId = request.sessionId;
    this.runId = request.runId;
    this.#connector = connector;
    this.#request = request;
    this.#send = send;
    this.#credit = Math.max(0, request.initialCredit);
    this.#deadline = new RunDeadline(request.opts.timeoutMs, () => this.#stop('timeout'));
    // The run starts on the next turn, so the reply that accepts it leaves before the first batch (or a crash).
    this.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#run());
  }

  addCredit(batches: number): void {
    if (batches <= 0) return;
    this.#credit += batches;
    this.#wakeCreditWaiter();
  }

  /** Stops the run as cancelled. Returns false when it was already stopping or over. */
  cancel(): boolean {
    return this.#stop('cancel');
  }

  #stop(reason: StopReason): boolean {
    // After the complete batch went out the run has succeeded or truncated, whatever arrives now.
    if (this.#ended || this.#completeSent) return false;
    // A cancel may still overtake a truncation whose last batch waits for credit; nothing else overtakes a stop.
    if (this.#stopReason !== undefined && !(this.#stopReason === 'truncate' && reason === 'cancel')) return false;
    this.#stopReason = reason;
    if (!this.#abort.signal.aborted) {
      this.#abort.abort(reason === 'timeout' ? runTimeoutError(this.#request.opts.timeoutMs) : new BridgeError('QUERY_CANCELLED', `Run ${reason}`));
    }
    this.#wakeCreditWaiter();
    // Truncation stops by not reading further; cancel and timeout must also stop what the server is executing.
    if (reason !== 'truncate') this.#connector.cancel(this.sessionId).catch(() => undefined);
    return true;
  }

  async #run(): Promise<void> {
    let failure: unknown;
    try {
      await this.#stream();
    } catch (error) {
      failure = error;
    }
    this.#deadline.clear();
    this.#sendEnd(failure);
  }

  async #stream(): Promise<void> {
    const { opts, sessionId, runId } = this.#request;
    const rowFormat = opts.rowFormat ?? 'object';
    const encoder = new ResultBatchEncoder(sessionId, runId, rowFormat);
    const batches = this.#connector.runQuery(sessionId, this.#request.sql, {
      batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE,
      rowFormat,
      params: opts.params,
      signal: this.#abort.signal,
    });
    const iterator = batches[Symbol.asyncIterator]();
    let lookahead: IteratorResult<RowBatch> | undefined;
    let exhausted = false;
    /** The last batch sent, to close its result set if the connector ends without having said so. */
    let previous: { resultSetIndex: number; batchIndex: number; columns: RowBatch['columns']; complete: boolean } | undefined;
    const pageMode = opts.mode === 'page';
    let sent = 0;
    const send = (batch: Omit<RowBatch, 'last' | 'final'>, complete: boolean): void => {
      const batchIndex = previous?.resultSetIndex === batch.resultSetIndex ? previous.batchIndex + 1 : 0;
      if (batch.rowsAffected !== undefined) this.#rowsAffected = (this.#rowsAffected ?? 0) + batch.rowsAffected;
      sent++;
      // Page mode: the token names the next page of this run (cursorTokenFor, shared with the supervisor).
      const cursorToken = pageMode && !complete ? cursorTokenFor(runId, sent) : undefined;
      const json = encoder.encode({ ...batch, batchIndex, complete, ...(cursorToken ? { cursorToken } : {}) });
      this.#credit--;
      this.#rows += batch.rows.length;
      previous = { resultSetIndex: batch.resultSetIndex, batchIndex, columns: batch.columns, complete };
      this.#completeSent = complete;
      this.#send({ type: 'batch', runId, json, rows: batch.rows.length });
    };
    try {
      while (!this.#abort.signal.aborted) {
        if (!lookahead && !(await this.#waitForCredit())) break;
        const step = lookahead ?? (await iterator.next());
        lookahead = undefined;
        if (step.done) {
          exhausted = true;
          break;
        }
        if (this.#abort.signal.aborted) break;
        const batch = step.value;
        let rows = batch.rows;
        let complete = batch.final === true;
        const maxRows = opts.maxRows;
        if (maxRows !== undefined && this.#rows + rows.length >= maxRows) {
          // Reaching maxRows ends the run here; later statements are not executed, so unless the connector says this
          // was the run's final batch it is 'truncated', even when the limit fell exactly on the last row.
          const cut = this.#rows + rows.length > maxRows;
          rows = rows.slice(0, maxRows - this.#rows);
          if (cut || batch.final !== true) this.#stop('truncate');
          complete = true;
        } else if (batch.last && batch.final === undefined) {
          try {
            lookahead = await iterator.next();
          } catch (error) {
            // The next statement failed: the batch in hand still belongs to the client, before the error.
            if (await this.#waitForCredit()) send({ ...batch, rows }, false);
            throw error;
          }
          complete = lookahead.done === true;
          if (complete) exhausted = true;
        }
        if (!(await this.#waitForCredit(this.#stopReason === 'truncate'))) break;
        send({ ...batch, rows }, complete);
        if (complete) break;
      }
      if (exhausted && !previous?.complete && (await this.#waitForCredit())) {
        // The client must see a result set, and a `complete` batch: a connector that produced nothing, or ended
        // without flagging its final batch, gets an empty closing batch.
        send({ resultSetIndex: previous?.resultSetIndex ?? 0, columns: previous?.columns ?? [], rows: [] }, true);
      }
    } finally {
      if (!exhausted) await iterator.return?.().catch(() => undefined);
    }
  }

  /** Waits until a batch may be sent. False when the run was stopped meanwhile (a truncation's last batch may wait). */
  async #waitForCredit(evenIfTruncated = false): Promise<boolean> {
    const stopped = (): boolean => this.#abort.signal.aborted && !(evenIfTruncated && this.#stopReason === 'truncate');
    if (this.#credit > 0 || stopped()) return !stopped();
    // The clock of timeoutMs measures the database's work, not how long the client takes to read.
    this.#deadline.pause();
    while (this.#credit <= 0 && !stopped()) {
      await new Promise<void>((resolve) => (this.#creditWaiter = resolve));
    }
    this.#deadline.resume();
    return !stopped();
  }

  #wakeCreditWaiter(): void {
    const waiter = this.#creditWaiter;
    this.#creditWaiter = undefined;
    waiter?.();
  }

  #sendEnd(failure: unknown): void {
    this.#ended = true;
    const base = { type: 'end' as const, runId: this.runId, rows: this.#rows };
    const extra = this.#rowsAffected === undefined ? {} : { rowsAffected: this.#rowsAffected };
    const status = this.#status(failure);
    if (status === 'error') {
      const error =
        this.#stopReason === 'timeout' ? runTimeoutError(this.#request.opts.timeoutMs) : toBridgeError(failure, fallbackCode(failure));
      this.#send({ ...base, ...extra, status, error: error.toShape() });
    } else {
      this.#send({ ...base, ...extra, status });
    }
  }

  #status(failure: unknown): RunStatus {
    switch (this.#stopReason) {
      case 'cancel':
        return 'cancelled';
      case 'timeout':
        return 'error';
      case 'truncate':
        return 'truncated';
      default:
        return failure === undefined ? 'success' : 'error';
    }
  }
}

/** A driver error (it carries a code) is the database refusing the statement; anything else is our own fault. */
function fallbackCode(failure: unknown): ErrorCode {
  return failure instanceof Error && (failure as { code?: unknown }).code !== undefined ? 'QUERY_FAILED' : 'INTERNAL';
}
