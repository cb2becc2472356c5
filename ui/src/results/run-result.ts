/**
 * One run's results as they arrive: its result sets, status, timing and error. Batches may arrive hundreds of times
 * a second; listeners are told at most once per animation frame (docs/architecture.md: the grid reads rows by
 * index, React only learns that "something changed").
 */
import type { BridgeErrorShape } from '../../../protocol/errors.js';
import type { ColumnMeta, QueryDoneEvent, RunStatus } from '../../../protocol/query.js';
import { ResultSet, type Row } from './result-set.js';

export type RunPhase = 'starting' | 'running' | RunStatus;

export interface Batch {
  resultSetIndex: number;
  rows: readonly unknown[];
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
    const set = (this.sets[batch.resultSetIndex] ??= new ResultSet());
    if (set.columns.length === 0 && batch.columns.length > 0) set.columns = batch.columns;
    if (batch.rowsAffected !== undefined) set.rowsAffected = batch.rowsAffected;
    if (batch.rows.length > 0) {
      set.append(batch.rows as Row[]);
      this.firstRowsAt ??= performance.now();
    }
    this.cursorToken = batch.cursorToken;
    if (this.phase === 'starting') this.phase = 'running';
    this.changed();
  }

  fail(error: BridgeErrorShape): void {
    this.error = error;
    this.changed();
  }

  finish(done: Pick<QueryDoneEvent, 'status' | 'timeMs'>): void {
    this.phase = done.status;
    this.timeMs = done.timeMs;
    this.finishedAt = performance.now();
    this.cursorToken = undefined;
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Coalesces notifications into one per animation frame. */
  changed(): void {
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.version++;
      for (const listener of [...this.#listeners]) listener();
    });
  }
}
