/**
 * One run's results as they arrive: its result sets, status, timing and error. Batches may arrive hundreds of times
 * a second; listeners are told at most once per animation frame (docs/architecture.md: the grid reads rows by
 * index, React only learns that "something changed") — and while rows stream, at most every STREAM_NOTIFY_MS: each
 * notice costs the page a style/layout/paint pass (the growing count, the scroll height), which a trace showed to be
 * most of the main thread's work during a million-row run (docs/benchmarks.md, "UI"). The first rows, rows fetched
 * for the grid, an error and the end are told at the next frame.
 */
import type { BridgeErrorShape } from '../../../protocol/errors.js';
import type { ColumnMeta, QueryDoneEvent, RunStatus } from '../../../protocol/query.js';
import { rowsFromWorker } from '../bridge/worker-link.js';
import { ResultSet, type Row } from './result-set.js';

export type RunPhase = 'starting' | 'running' | RunStatus;

/** While rows stream, the count and the grid are brought up to date ten times a second. */
const STREAM_NOTIFY_MS = 100;

export interface Batch {
  sessionId?: string;
  runId?: string;
  resultSetIndex: number;
  /** All of the batch's rows — or, when `batchRows` is given, only the head the worker let through (worker-messages.ts). */
  rows: readonly unknown[];
  /** Set when the batch's rows are kept in the bridge worker: how many it had. */
  batchRows?: number;
  columns: ColumnMeta[];
  complete: boolean;
  cursorToken?: string;
  rowsAffected?: number;
}

export class RunResult {
  readonly sets: ResultSet[] = [];
  phase: RunPhase = 'starting';
  runId: string | undefined;
  error: BridgeErrorShape | undefined;
  readonly startedAt = performance.now();
  firstRowsAt: number | undefined;
  /** Time reported by the bridge on query.done. */
  timeMs: number | undefined;
  finishedAt: number | undefined;
  /** Page mode: the token for the next page while the run is paused at the row limit. */
  cursorToken: string | undefined;
  version = 0;
  readonly #listeners = new Set<() => void>();
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastNotified = 0;

  constructor(
    /** Where in the editor the executed SQL starts, to place an error position. */
    readonly sqlOffset: number,
    readonly sql: string,
  ) {}

  get totalRows(): number {
    let total = 0;
    for (const set of this.sets) total += set.rowCount;
    return total;
  }

  get running(): boolean {
    return this.phase === 'starting' || this.phase === 'running';
  }

  addBatch(batch: Batch): void {
    const set = (this.sets[batch.resultSetIndex] ??= this.#newSet(batch));
    if (set.columns.length === 0 && batch.columns.length > 0) set.columns = batch.columns;
    if (batch.rowsAffected !== undefined) set.rowsAffected = batch.rowsAffected;
    if (batch.batchRows !== undefined) set.appendKept(batch.rows as Row[], batch.batchRows);
    else set.append(batch.rows as Row[]);
    const first = this.firstRowsAt === undefined && (batch.batchRows ?? batch.rows.length) > 0;
    if (first) this.firstRowsAt = performance.now();
    this.cursorToken = batch.cursorToken;
    if (this.phase === 'starting') this.phase = 'running';
    this.changed(first);
  }

  #newSet(batch: Batch): ResultSet {
    const { sessionId, runId, resultSetIndex } = batch;
    const kept = batch.batchRows !== undefined && sessionId !== undefined && runId !== undefined;
    const set = new ResultSet(kept ? (from, to) => rowsFromWorker({ sessionId, runId, resultSetIndex }, from, to) : undefined);
    set.onRowsArrived = () => this.changed(true);
    return set;
  }

  fail(error: BridgeErrorShape): void {
    this.error = error;
    this.changed(true);
  }

  finish(done: Pick<QueryDoneEvent, 'status' | 'timeMs'>): void {
    this.phase = done.status;
    this.timeMs = done.timeMs;
    this.finishedAt = performance.now();
    this.cursorToken = undefined;
    this.changed(true);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /**
   * Coalesces notifications into one per animation frame; while the run streams, into one per STREAM_NOTIFY_MS unless
   * `soon` (the next frame).
   */
  changed(soon = false): void {
    if (this.#frame !== 0) return;
    const wait = soon || !this.running ? 0 : this.#lastNotified + STREAM_NOTIFY_MS - performance.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#notifyAtNextFrame();
      }, wait);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#notifyAtNextFrame();
  }

  #notifyAtNextFrame(): void {
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#lastNotified = performance.now();
      this.version++;
      for (const listener of [...this.#listeners]) listener();
    });
  }
}
