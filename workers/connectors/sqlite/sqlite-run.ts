/**
 * Running a statement list on one session's better-sqlite3 handle, as batches pulled by the consumer.
 *
 * Cancellation is cooperative: the signal is checked between rows and between batches. better-sqlite3 is
 * synchronous and exposes no sqlite3_interrupt, so a single long step (a sort, an aggregate, a recursive CTE
 * computing before its first row) cannot be stopped from inside this process; the supervisor ends the worker
 * process after a grace period for that case (docs/architecture.md, "When things go wrong": Cancel).
 */
import type Database from 'better-sqlite3';
import { BridgeError } from '../../../protocol/errors.js';
import type { ColumnMeta } from '../../../protocol/index.js';
import type { RowFormat } from '../../result-batch-encoder.js';
import type { RowBatch } from '../connector.js';
import { rowToJsonSafe } from '../json-safe.js';
import { runStatementList } from '../statement-list.js';
import { toBridgeError, toSqliteParam, type SqliteDatabase } from './sqlite-database.js';
import { prepareJsonRows } from './sqlite-json-rows.js';
import { isNullable } from './sqlite-metadata.js';

export interface SqliteRunOptions {
  batchSize: number;
  params?: unknown[];
  signal: AbortSignal;
  /**
   * The run's row shape: given it, rows are serialized by SQLite in it (sqlite-json-rows.ts) where the statement
   * allows; without it every row is an array of cells read through the generic path (JS values, json-safe.ts).
   */
  rowFormat?: RowFormat;
}

/**
 * Yields every result set of `sql` in order: a reader statement as batches of rows (the last one flagged, an empty
 * result set as one empty batch) — JSON texts made by SQLite when `rowFormat` is given and the statement can be
 * wrapped, else arrays of cells — and any other statement as one empty batch with rowsAffected.
 * A failure in statement k ends the list; the error's details carry `statementIndex: k`.
 */
export function runStatements(db: SqliteDatabase, sql: string, opts: SqliteRunOptions): AsyncGenerator<RowBatch> {
  const params = (opts.params ?? []).map(toSqliteParam);
  return runStatementList(sql, {
    dialect: 'sqlite',
    params,
    oneResultSetPerStatement: true,
    throwIfStopped: () => throwIfCancelled(opts.signal),
    runStatement: (statement) => runStatement(db, statement.text, statement.index, params, opts),
    mapError: (err, statement) => toBridgeError(err, { statementIndex: statement.index }),
  });
}

async function* runStatement(db: SqliteDatabase, text: string, index: number, params: unknown[], opts: SqliteRunOptions): AsyncGenerator<RowBatch> {
  const stmt = db.prepare(text);
  if (!stmt.reader) {
    const info = stmt.run(...params);
    yield { resultSetIndex: index, columns: [], rows: [], last: true, rowsAffected: Number(info.changes) };
    return;
  }
  const columns = describeColumns(db, stmt);
  const jsonRows = opts.rowFormat === undefined ? undefined : prepareJsonRows(db, text, columns, opts.rowFormat);
  yield* jsonRows
    ? // Each row arrives as its JSON text, made by SQLite (sqlite-json-rows.ts).
      inBatches(jsonRows.iterate(...params) as IterableIterator<string>, opts, (rows, last) => ({
        resultSetIndex: index,
        columns,
        rows,
        rowsAreJson: true,
        last,
      }))
    : // The generic path: better-sqlite3's JS values, made JSON-safe cell by cell.
      inBatches(stmt.raw(true).iterate(...params) as IterableIterator<unknown[]>, opts, (rows, last) => ({
        resultSetIndex: index,
        columns,
        rows: rows.map(rowToJsonSafe),
        last,
      }));
}

/** Cuts a row iterator into RowBatches of `batchSize`, yielding to the event loop between batches. */
async function* inBatches<Row>(
  rows: IterableIterator<Row>,
  opts: SqliteRunOptions,
  toBatch: (rows: Row[], last: boolean) => RowBatch,
): AsyncGenerator<RowBatch> {
  const batchSize = Math.max(1, opts.batchSize);
  try {
    // One row is read ahead so the batch that ends the result set can say so.
    let pending = rows.next();
    for (;;) {
      // No cancel check inside a batch: the signal can only change when the event loop runs, between batches.
      const batch: Row[] = [];
      while (!pending.done && batch.length < batchSize) {
        batch.push(pending.value);
        pending = rows.next();
      }
      const last = pending.done === true;
      yield toBatch(batch, last);
      if (last) return;
      // Let queued messages (a cancel from the supervisor) run even when the consumer pulls without pause.
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfCancelled(opts.signal);
    }
  } finally {
    // Releases the statement, which otherwise keeps the connection busy for every later statement.
    rows.return?.();
  }
}

/**
 * Column names and declared types as the statement reports them (an expression has no declared type: '').
 * Nullability is known only for columns read straight from a table, looked up once per table.
 */
function describeColumns(db: SqliteDatabase, stmt: Database.Statement<unknown[]>): ColumnMeta[] {
  const tables = new Map<string, Map<string, boolean>>();
  return stmt.columns().map((col) => {
    const meta: ColumnMeta = { name: col.name, type: col.type ?? '' };
    if (col.table !== null && col.column !== null && col.database !== null) {
      const key = `${col.database}\u0000${col.table}`;
      let nullability = tables.get(key);
      if (nullability === undefined) {
        nullability = tableNullability(db, col.database, col.table);
        tables.set(key, nullability);
      }
      const nullable = nullability.get(col.column);
      if (nullable !== undefined) meta.nullable = nullable;
    }
    return meta;
  });
}

interface XinfoRow {
  name: string;
  type: string;
  notnull: bigint;
  pk: bigint;
}

function tableNullability(db: SqliteDatabase, schema: string, table: string): Map<string, boolean> {
  const cols = db.prepare('select name, type, "notnull", pk from pragma_table_xinfo(?, ?)').all(table, schema) as XinfoRow[];
  const pkCount = cols.filter((c) => c.pk > 0n).length;
  return new Map(cols.map((c) => [c.name, isNullable(c.notnull > 0n, c.pk > 0n, c.type, pkCount)]));
}

function throwIfCancelled(signal: AbortSignal): void {
  if (!signal.aborted) return;
  // Whoever aborted may say why (a timeout is DB_TIMEOUT); a plain abort is a cancel.
  if (signal.reason instanceof BridgeError) throw signal.reason;
  throw new BridgeError('QUERY_CANCELLED', 'The query was cancelled.');
}
