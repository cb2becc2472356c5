/**
 * Running a statement list on a session's mysql2 connection, one statement per query, each read through
 * MysqlStatementReader so a pull of the iterator reads one batch.
 *
 * Stopping early (cancel, or the consumer closing the iterator) sends KILL QUERY *before* draining: mysql2 cannot
 * skip a result set, it has to read it to the end, and only a killed query makes that end come soon.
 * As with pg, a result set that ends exactly on a batch boundary finishes with an empty `last: true` batch.
 */
import type { RowBatch } from '../connector.js';
import { rowToJsonSafe } from '../json-safe.js';
import { cancelledError, type ServerRunState } from '../server-sessions.js';
import { runStatementList, type ListedStatement } from '../statement-list.js';
import { mapMysqlQueryError } from './mysql-errors.js';
import { MysqlStatementReader, type RawMysqlConnection } from './mysql-statement-reader.js';
import { mysqlColumns, mysqlConverters, type MysqlCellConverter } from './mysql-types.js';
import type { ColumnMeta } from '../../../protocol/index.js';

export interface MysqlRunState extends ServerRunState {
  /** KILL QUERY on this run's connection, from a second connection; idempotent for the run. */
  kill(): Promise<void>;
  /** The statement being read, so a connection-level failure can end it (see MysqlStatementReader.fail). */
  reader: MysqlStatementReader | null;
}

interface OpenResultSet {
  columns: ColumnMeta[];
  converters: MysqlCellConverter[];
  rows: unknown[][];
}

function convertRow(row: unknown[], converters: MysqlCellConverter[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const convert = converters[i];
    if (convert !== null && row[i] !== null) row[i] = convert(row[i]);
  }
  return rowToJsonSafe(row);
}

/** Splits and runs `sql` (statement-list.ts); a CALL may make several result sets, numbered across the run. */
export function runMysqlStatements(
  connection: RawMysqlConnection,
  sql: string,
  opts: { batchSize: number; params?: unknown[] },
  run: MysqlRunState,
): AsyncGenerator<RowBatch> {
  const counter = { resultSetIndex: 0 };
  return runStatementList(sql, {
    dialect: 'mysql',
    params: opts.params,
    oneResultSetPerStatement: false,
    throwIfStopped: (k) => {
      if (run.cancelled) throw cancelledError(k);
    },
    runStatement: (statement) => streamStatement(connection, statement, opts, run, counter),
    // statementOffset places the server's message in the submitted script.
    mapError: (err, statement) =>
      run.cancelled ? cancelledError(statement.index) : mapMysqlQueryError(err, { statementIndex: statement.index, statementOffset: statement.offset }),
  });
}

/** One statement's result sets, a batch per pull; stopping early kills the query before draining it. */
async function* streamStatement(
  connection: RawMysqlConnection,
  statement: ListedStatement,
  opts: { batchSize: number; params?: unknown[] },
  run: MysqlRunState,
  counter: { resultSetIndex: number },
): AsyncGenerator<RowBatch> {
  const { batchSize } = opts;
  const k = statement.index;
  const reader = new MysqlStatementReader(connection, statement.text, opts.params, batchSize);
  run.reader = reader;
  try {
    let open: OpenResultSet | null = null;
    let hadResultSet = false;
    for (;;) {
      const event = await reader.next();
      if (run.cancelled) throw cancelledError(k);
      if (event.kind === 'error') throw event.error;
      if (event.kind === 'fields') {
        if (open) yield { resultSetIndex: counter.resultSetIndex++, columns: open.columns, rows: open.rows, last: true };
        open = { columns: mysqlColumns(event.fields), converters: mysqlConverters(event.fields), rows: [] };
        hadResultSet = true;
      } else if (event.kind === 'row' && open) {
        open.rows.push(convertRow(event.row, open.converters));
        if (open.rows.length >= batchSize) {
          const rows = open.rows;
          open.rows = [];
          yield { resultSetIndex: counter.resultSetIndex, columns: open.columns, rows, last: false };
        }
      } else if (event.kind === 'ok') {
        // A CALL ends with an OK packet after its result sets; only a statement without rows reports it.
        if (!hadResultSet) {
          yield { resultSetIndex: counter.resultSetIndex++, columns: [], rows: [], last: true, rowsAffected: event.header.affectedRows ?? 0 };
        }
      } else if (event.kind === 'end') {
        if (open) yield { resultSetIndex: counter.resultSetIndex++, columns: open.columns, rows: open.rows, last: true };
        return;
      }
    }
  } finally {
    if (!reader.finished) {
      await run.kill().catch(() => undefined);
      await reader.drain();
    }
  }
}
