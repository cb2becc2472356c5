/**
 * Rows serialized by SQLite itself. Streaming a table through better-sqlite3 costs mostly the JavaScript values it
 * builds: a string, number or BigInt per cell, an array and an iterator result per row, all turned back into JSON
 * text a moment later. Wrapping a SELECT so that SQLite returns each row as one JSON text (json_array / json_object,
 * in C) skips all of that: about a third less work per row than even the raw driver's `raw().iterate()`
 * (docs/benchmarks.md, "SQLite rows as JSON").
 *
 * The values are exactly those of the generic path (json-safe.ts over `safeIntegers` rows), which stays as the
 * fallback and as the reference the tests compare against:
 *   integer → its decimal text (64-bit exact), real → number (±Infinity → "Infinity"/"-Infinity"), text → string,
 *   blob → { "$base64": … }, null → null.
 * Text produced by SQLite's JSON functions keeps a JSON "subtype" that json_array would embed as JSON; the CAST
 * drops it, so such a value stays the string the generic path returns.
 *
 * The user's statement is the body of a CTE whose column list renames its columns positionally (duplicates and
 * unnamed expressions need no quoting). SQLite keeps a subquery's ORDER BY when the outer query has no ORDER BY of
 * its own and no join, which is the case here. A statement that cannot be a CTE body (PRAGMA, EXPLAIN, … RETURNING,
 * more columns than a function takes arguments) fails to prepare, and the run falls back to the generic path.
 */
import type Database from 'better-sqlite3';
import type { ColumnMeta } from '../../../protocol/index.js';
import { uniqueColumnNames, type RowFormat } from '../../result-batch-encoder.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** A SQL function (registered per handle by registerJsonRowFunctions) that SQLite lacks: blob → base64 text. */
const BASE64_FUNCTION = 'dbv_base64';
/** The CTE's name; a user table of this name makes the wrapper a circular reference, which fails and falls back. */
const ROWS_CTE = 'dbv_json_rows';

export function registerJsonRowFunctions(db: SqliteDatabase): void {
  db.function(BASE64_FUNCTION, { deterministic: true }, (blob: unknown) =>
    Buffer.isBuffer(blob) ? blob.toString('base64') : null,
  );
}

/**
 * The statement that yields each row of `sql` as one JSON text in `rowFormat` (pluck it), or undefined when `sql`
 * cannot be wrapped. `columns` are the original statement's, which name the object keys.
 */
export function prepareJsonRows(
  db: SqliteDatabase,
  sql: string,
  columns: ColumnMeta[],
  rowFormat: RowFormat,
): Database.Statement<unknown[]> | undefined {
  if (columns.length === 0) return undefined;
  try {
    return db.prepare(jsonRowsSql(sql, columns, rowFormat)).pluck(true);
  } catch {
    return undefined;
  }
}

export function jsonRowsSql(sql: string, columns: ColumnMeta[], rowFormat: RowFormat): string {
  const aliases = columns.map((_, i) => `c${i}`);
  const cells = aliases.map(jsonSafeCell);
  const row =
    rowFormat === 'array'
      ? `json_array(${cells.join(', ')})`
      : `json_object(${uniqueColumnNames(columns)
          .map((column, i) => `${sqlString(column.name)}, ${cells[i]}`)
          .join(', ')})`;
  // The newlines keep a trailing line comment in `sql` from swallowing the closing parenthesis.
  return `with ${ROWS_CTE}(${aliases.join(', ')}) as (\n${sql}\n)\nselect ${row} from ${ROWS_CTE}`;
}

function jsonSafeCell(column: string): string {
  return (
    `case typeof(${column})` +
    ` when 'text' then cast(${column} as text)` +
    ` when 'integer' then cast(${column} as text)` +
    ` when 'real' then iif(abs(${column}) = 9e999, iif(${column} > 0, 'Infinity', '-Infinity'), ${column})` +
    ` when 'blob' then json_object('$base64', ${BASE64_FUNCTION}(${column}))` +
    ' end'
  );
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
