/**
 * Builds the `params` of a `query.result` notification from a connector's RowBatch and serializes it once: the
 * supervisor splices this string into the JSON-RPC frame without parsing it (docs/architecture.md, "A query, from RPC to driver and back").
 * `rows` is always the last field and `rowCount` comes before it (docs/api.md, query.result), so a client can count
 * and route a batch from its head alone.
 */
import type { ColumnMeta, QueryResultEvent } from '../protocol/index.js';

export type RowFormat = 'object' | 'array';

export interface EncodedBatchInput {
  resultSetIndex: number;
  batchIndex: number;
  columns: ColumnMeta[];
  rows: unknown[][] | string[];
  /** Each row is already its JSON text in this run's rowFormat (RowBatch.rowsAreJson). */
  rowsAreJson?: true;
  complete: boolean;
  rowsAffected?: number;
  cursorToken?: string;
  sessionReconnected?: true;
}

export class ResultBatchEncoder {
  readonly #sessionId: string;
  readonly #runId: string;
  readonly #rowFormat: RowFormat;
  #lastColumns: ColumnMeta[] | undefined;
  #lastKeyed: ColumnMeta[] = [];

  constructor(sessionId: string, runId: string, rowFormat: RowFormat = 'object') {
    this.#sessionId = sessionId;
    this.#runId = runId;
    this.#rowFormat = rowFormat;
  }

  encode(input: EncodedBatchInput): string {
    const columns = this.#rowFormat === 'object' ? this.#keyedColumns(input.columns) : input.columns;
    const params: Omit<QueryResultEvent, 'rows'> & { rows?: QueryResultEvent['rows'] } = {
      sessionId: this.#sessionId,
      runId: this.#runId,
      resultSetIndex: input.resultSetIndex,
      batchIndex: input.batchIndex,
      rowCount: input.rows.length,
      columns,
      complete: input.complete,
    };
    if (input.rowsAffected !== undefined) params.rowsAffected = input.rowsAffected;
    if (input.cursorToken !== undefined) params.cursorToken = input.cursorToken;
    if (input.sessionReconnected) params.sessionReconnected = true;
    if (input.rowsAreJson) {
      // Spliced, never parsed: the object's closing brace gives way to the rows.
      const head = JSON.stringify(params);
      return `${head.slice(0, -1)},"rows":[${(input.rows as string[]).join(',')}]}`;
    }
    const rows = input.rows as unknown[][];
    params.rows = (this.#rowFormat === 'object' ? rowsAsObjects(rows, columns) : rows) as QueryResultEvent['rows'];
    return JSON.stringify(params);
  }

  /** In object form the columns carry the keys the rows use, so a renamed duplicate is still findable. */
  #keyedColumns(columns: ColumnMeta[]): ColumnMeta[] {
    if (columns !== this.#lastColumns) {
      this.#lastColumns = columns;
      this.#lastKeyed = uniqueColumnNames(columns);
    }
    return this.#lastKeyed;
  }
}

/** Later duplicates of a name get `_2`, `_3`… (skipping any suffix another column already uses). */
export function uniqueColumnNames(columns: ColumnMeta[]): ColumnMeta[] {
  const taken = new Set(columns.map((column) => column.name));
  const seen = new Set<string>();
  return columns.map((column) => {
    if (!seen.has(column.name)) {
      seen.add(column.name);
      return column;
    }
    let n = 2;
    while (taken.has(`${column.name}_${n}`)) n++;
    const name = `${column.name}_${n}`;
    taken.add(name);
    seen.add(name);
    return { ...column, name };
  });
}

function rowsAsObjects(rows: unknown[][], columns: ColumnMeta[]): Record<string, unknown>[] {
  const keys = columns.map((column) => column.name);
  return rows.map((row) => {
    // A null prototype so a column named `__proto__` is an ordinary key.
    const record: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < keys.length; i++) record[keys[i]] = row[i] === undefined ? null : row[i];
    return record;
  });
}
