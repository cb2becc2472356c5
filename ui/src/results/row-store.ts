/**
 * The rows of the grid's result sets, kept where they arrive — in the bridge worker (bridge-socket.worker.ts), off
 * the page's main thread. Per kept session only its latest run is held: a new run id drops the previous run's rows.
 * Rows are appended into fixed-size chunks (no giant array copied as it grows) and read back by range.
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

interface KeptRun {
  runId: string;
  sets: ChunkedRows[];
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

  /** Appends a batch; returns how many rows the set held before it. */
  append(key: RowsKey, rows: readonly Row[]): number {
    let run = this.#sessions.get(key.sessionId);
    if (!run || run.runId !== key.runId) this.#sessions.set(key.sessionId, (run = { runId: key.runId, sets: [] }));
    const set = (run.sets[key.resultSetIndex] ??= new ChunkedRows());
    const before = set.count;
    set.append(rows);
    return before;
  }

  read(key: RowsKey, from: number, to: number): Row[] {
    const run = this.#sessions.get(key.sessionId);
    if (!run || run.runId !== key.runId) return [];
    return run.sets[key.resultSetIndex]?.slice(from, to) ?? [];
  }
}
