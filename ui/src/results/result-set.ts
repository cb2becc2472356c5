/**
 * The rows of one result set, kept outside React: batches are appended into fixed-size chunks (no giant array that
 * has to be copied as it grows) and read back by index, which is all a windowed grid needs.
 */
import type { CellValue, ColumnMeta } from '../../../protocol/query.js';

const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

export type Row = CellValue[];

export class ResultSet {
  columns: ColumnMeta[] = [];
  rowCount = 0;
  rowsAffected: number | undefined;
  readonly #chunks: Row[][] = [];

  append(rows: readonly Row[]): void {
    for (const row of rows) {
      const chunkIndex = this.rowCount >>> CHUNK_BITS;
      (this.#chunks[chunkIndex] ??= []).push(row);
      this.rowCount++;
    }
  }

  row(index: number): Row | undefined {
    return this.#chunks[index >>> CHUNK_BITS]?.[index & CHUNK_MASK];
  }

  *rows(from = 0, to = this.rowCount): Generator<Row> {
    for (let i = from; i < to; i++) yield this.row(i)!;
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
