/**
 * The rows of one result set as the page sees them, kept outside React. Rows received on the page are held here in
 * chunks (ChunkedRows). A set fed by the grid's own sessions holds only its first rows here (the head: enough to
 * size the columns and show a small result at once) and its count; the rest stay in the bridge worker
 * (bridge-socket.worker.ts) and are fetched by page as the grid shows them, with a bounded cache — so a million
 * streamed rows are never parsed, kept or garbage-collected on the main thread (docs/benchmarks.md, "UI").
 */
import type { CellValue, ColumnMeta } from '../../../protocol/query.js';
import { ChunkedRows } from './row-store.js';

export type Row = CellValue[];

/** Reads rows `from`..`to` (exclusive) from where the set's rows are kept. */
export type RowSource = (from: number, to: number) => Promise<Row[]>;

const PAGE_ROWS = 256;
/** Pages of fetched rows kept on the page (64k rows): a few screens around wherever the user scrolled. */
const MAX_PAGES = 256;

export class ResultSet {
  columns: ColumnMeta[] = [];
  rowCount = 0;
  rowsAffected: number | undefined;
  /** Told when rows asked for by `row()` have arrived. */
  onRowsArrived: (() => void) | undefined;
  readonly #local = new ChunkedRows();
  readonly #pages = new Map<number, Row[]>();
  readonly #loading = new Set<number>();

  constructor(private readonly source?: RowSource) {}

  /** Rows received on the page. */
  append(rows: readonly Row[]): void {
    if (this.#local.count === this.rowCount) this.#local.append(rows);
    this.rowCount += rows.length;
  }

  /** A batch whose rows are kept at the source: `head` are those of its rows that the page keeps, `count` all of them. */
  appendKept(head: readonly Row[], count: number): void {
    if (this.#local.count === this.rowCount) this.#local.append(head);
    this.rowCount += count;
  }

  /** The row at `index` if the page has it; otherwise undefined, and it is fetched (onRowsArrived says when). */
  row(index: number): Row | undefined {
    if (index < this.#local.count) return this.#local.at(index);
    if (index >= this.rowCount || !this.source) return undefined;
    const page = Math.floor(index / PAGE_ROWS);
    const rows = this.#pages.get(page);
    const within = index - page * PAGE_ROWS;
    if (rows && within < rows.length) return rows[within];
    this.#load(page, rows?.length ?? 0);
    return undefined;
  }

  /** Rows `from`..`to` (exclusive), wherever they are kept: for copy and export. */
  async read(from: number, to: number): Promise<Row[]> {
    to = Math.min(to, this.rowCount);
    if (to <= this.#local.count || !this.source) return this.#local.slice(from, to);
    return this.source(from, to);
  }

  #load(page: number, had: number): void {
    if (this.#loading.has(page) || !this.source) return;
    this.#loading.add(page);
    const from = page * PAGE_ROWS;
    void this.source(from, Math.min(this.rowCount, from + PAGE_ROWS)).then((rows) => {
      this.#loading.delete(page);
      // Re-inserted as the newest; the oldest pages go past the limit.
      this.#pages.delete(page);
      this.#pages.set(page, rows);
      if (this.#pages.size > MAX_PAGES) this.#pages.delete(this.#pages.keys().next().value!);
      // Nothing new (the rows are gone at the source): do not ask again in a loop.
      if (rows.length > had) this.onRowsArrived?.();
    });
  }
}

/** How a cell reads in the grid and in a copied TSV: NULL is a word, an empty string stays empty. */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!Array.isArray(value) && typeof value.$base64 === 'string') return `base64:${value.$base64}`;
  return JSON.stringify(value);
}
