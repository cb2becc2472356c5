/**
 * Rows kept by index. ChunkedRows holds parsed rows in fixed-size chunks (no giant array copied as it grows): the
 * page's head rows (result-set.ts). RowStore holds the grid's result sets where they arrive — in the bridge worker
 * (bridge-socket.worker.ts), off the page's main thread — as each batch's rows text, parsed only when read: a million
 * streamed rows cost the worker a copy of their text, not a million arrays to build and garbage-collect, and the
 * grid parses only the batches it shows. Per kept session only its latest run is held: a new run id drops the
 * previous run's rows.
 */
import type { Row, RowsKey } from '../bridge/worker-messages.js';

const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

/** Rows in chunks, read back by index. */
export class ChunkedRows {
  count = 0;
  readonly #chunks: Row[][] = [];

  append(rows: readonly Row[]): void {
    for (const row of rows) {
      (this.#chunks[this.count >>> CHUNK_BITS] ??= []).push(row);
      this.count++;
    }
  }

  at(index: number): Row | undefined {
    return this.#chunks[index >>> CHUNK_BITS]?.[index & CHUNK_MASK];
  }

  slice(from: number, to: number): Row[] {
    const out: Row[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.count); i++) out.push(this.at(i)!);
    return out;
  }
}

/** Parsed batches kept for reading again (a grid page or a chart slice spans a few): 64k rows of 2,000-row batches. */
const PARSED_BATCHES = 32;

/** A result set's batches as their rows' JSON text, each parsed when a read reaches it. */
export class TextBatches {
  count = 0;
  /** Index of each batch's first row. */
  readonly #starts: number[] = [];
  readonly #texts: string[] = [];
  /** Recently parsed batches by batch number, oldest first. */
  readonly #parsed = new Map<number, readonly Row[]>();

  append(rowsText: string, count: number): void {
    if (count <= 0) return;
    this.#starts.push(this.count);
    this.#texts.push(rowsText);
    this.count += count;
  }

  slice(from: number, to: number): Row[] {
    from = Math.max(0, from);
    to = Math.min(to, this.count);
    const out: Row[] = [];
    for (let batch = this.#batchOf(from); from < to; batch++) {
      const start = this.#starts[batch]!;
      const end = Math.min(to, this.#starts[batch + 1] ?? this.count);
      const rows = this.#rows(batch);
      for (let i = from; i < end; i++) out.push(rows[i - start] ?? []);
      from = end;
    }
    return out;
  }

  /** The batch holding row `index` (binary search over the batches' first rows). */
  #batchOf(index: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.#starts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  #rows(batch: number): readonly Row[] {
    let rows = this.#parsed.get(batch);
    if (rows) this.#parsed.delete(batch);
    else rows = JSON.parse(this.#texts[batch]!) as Row[];
    // Re-inserted as the newest; the oldest go past the limit.
    this.#parsed.set(batch, rows);
    if (this.#parsed.size > PARSED_BATCHES) this.#parsed.delete(this.#parsed.keys().next().value!);
    return rows;
  }
}

interface KeptRun {
  runId: string;
  sets: TextBatches[];
}

export class RowStore {
  /** Kept sessions; null until their first rows. */
  readonly #sessions = new Map<string, KeptRun | null>();

  /** Starts (again, from nothing) or stops keeping a session's rows. */
  keep(sessionId: string, keep: boolean): void {
    if (keep) this.#sessions.set(sessionId, null);
    else this.#sessions.delete(sessionId);
  }

  isKept(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  /** Appends a batch — the JSON text of its rows array, and how many rows it holds; returns how many the set held before it. */
  append(key: RowsKey, rowsText: string, count: number): number {
    let run = this.#sessions.get(key.sessionId);
    if (!run || run.runId !== key.runId) this.#sessions.set(key.sessionId, (run = { runId: key.runId, sets: [] }));
    const set = (run.sets[key.resultSetIndex] ??= new TextBatches());
    const before = set.count;
    set.append(rowsText, count);
    return before;
  }

  read(key: RowsKey, from: number, to: number): Row[] {
    const run = this.#sessions.get(key.sessionId);
    if (!run || run.runId !== key.runId) return [];
    return run.sets[key.resultSetIndex]?.slice(from, to) ?? [];
  }
}
