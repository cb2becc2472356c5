/**
 * Running a statement list on a session's client with honest back-pressure: each statement is a pg-cursor portal,
 * and one pull of the iterator is one `Execute(portal, batchSize)` round trip. Nothing is fetched before the
 * consumer asks for it.
 *
 * When a portal ends exactly on a batch boundary the server still answers PortalSuspended (it cannot know), so the
 * last batch of such a result set is an empty one with `last: true`.
 */
import type { ClientBase } from 'pg';
import Cursor from 'pg-cursor';
import { BridgeError } from '../../../protocol/errors.js';
import type { RowBatch } from '../connector.js';
import { rowToJsonSafe } from '../json-safe.js';
import { cancelledError, type ServerRunState } from '../server-sessions.js';
import { runStatementList } from '../statement-list.js';
import { TEXT_TYPES } from './postgres-config.js';
import { mapPgQueryError } from './postgres-errors.js';
import type { PgField, PgTypeResolver } from './postgres-types.js';

/** Shared between a run and cancel() (server-sessions.ts): `cancelled` is set before the server is asked to cancel. */
export type PgRunState = ServerRunState;

interface CursorResult {
  fields: PgField[];
  rowCount: number | null;
}

/**
 * pg-cursor knows nothing of COPY: a `COPY … TO STDOUT` or `FROM STDIN` sent through it makes pg call handlers the
 * cursor lacks, and the TypeError is thrown from the socket's data handler — it would kill the worker. This cursor
 * answers COPY FROM STDIN with CopyFail and drops COPY TO STDOUT data, and the run reports either as QUERY_FAILED.
 */
class StatementCursor extends Cursor {
  copyIn = false;
  copyOut = false;

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    this.copyIn = true;
    connection.sendCopyFail('COPY FROM STDIN is not supported by the bridge');
  }

  handleCopyData(): void {
    this.copyOut = true;
  }
}

function copyError(cursor: StatementCursor, statementIndex: number): BridgeError | null {
  if (!cursor.copyIn && !cursor.copyOut) return null;
  const direction = cursor.copyIn ? 'COPY … FROM STDIN' : 'COPY … TO STDOUT';
  return new BridgeError('QUERY_FAILED', `${direction} is not supported here: the bridge has no client-side stream for it`, {
    statementIndex,
    hint: 'Use INSERT/SELECT, or COPY to/from a server-side file.',
  });
}

type CursorState = 'initialized' | 'submitted' | 'idle' | 'busy' | 'done' | 'error';

function cursorState(cursor: Cursor): CursorState {
  return (cursor as unknown as { state: CursorState }).state;
}

function readBatch(cursor: Cursor, size: number): Promise<{ rows: string[][]; result: CursorResult }> {
  return new Promise((resolve, reject) => {
    cursor.read(size, (err, rows, result) => {
      if (err) reject(err);
      else resolve({ rows: rows as string[][], result: result as unknown as CursorResult });
    });
  });
}

async function* streamStatement(
  client: ClientBase,
  text: string,
  params: unknown[] | undefined,
  resultSetIndex: number,
  batchSize: number,
  types: PgTypeResolver,
  run: PgRunState,
): AsyncGenerator<RowBatch> {
  const cursor = client.query(new StatementCursor(text, params, { rowMode: 'array', types: TEXT_TYPES }));
  try {
    let resolved: Awaited<ReturnType<PgTypeResolver['resolve']>> | null = null;
    for (;;) {
      let batch: Awaited<ReturnType<typeof readBatch>>;
      try {
        batch = await readBatch(cursor, batchSize);
      } catch (err) {
        throw copyError(cursor, resultSetIndex) ?? err;
      }
      const { rows, result } = batch;
      if (run.cancelled) throw cancelledError(resultSetIndex);
      const copyFailure = copyError(cursor, resultSetIndex);
      if (copyFailure) throw copyFailure;
      if (result.fields.length === 0) {
        yield { resultSetIndex, columns: [], rows: [], last: true, rowsAffected: result.rowCount ?? 0 };
        return;
      }
      resolved ??= await types.resolve(result.fields);
      const { converters } = resolved;
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) {
          const cell = row[i];
          if (cell !== null) (row as unknown[])[i] = converters[i](cell);
        }
        rowToJsonSafe(row);
      }
      const last = rows.length < batchSize || cursorState(cursor) === 'done';
      yield { resultSetIndex, columns: resolved.columns, rows, last };
      if (last) return;
      if (run.cancelled) throw cancelledError(resultSetIndex);
    }
  } finally {
    const state = cursorState(cursor);
    // Closing the portal (Close + Sync) leaves the session client ready for the next statement. After an error pg
    // has already sent Sync, and a finished cursor has nothing to close.
    if (state !== 'done' && state !== 'error') await cursor.close().catch(() => undefined);
  }
}

/**
 * Splits and runs `sql` (statement-list.ts), yielding the batches of every statement in order. A failure in
 * statement k ends the list with that failure and `details.statementIndex = k`.
 */
export function runPgStatements(
  client: ClientBase,
  sql: string,
  opts: { batchSize: number; params?: unknown[] },
  types: PgTypeResolver,
  run: PgRunState,
): AsyncGenerator<RowBatch> {
  return runStatementList(sql, {
    dialect: 'postgres',
    params: opts.params,
    oneResultSetPerStatement: true,
    throwIfStopped: (k) => {
      if (run.cancelled) throw cancelledError(k);
    },
    runStatement: (statement) => streamStatement(client, statement.text, opts.params, statement.index, opts.batchSize, types, run),
    // The server's `position` counts from the statement's start: statementOffset places it in the submitted text.
    mapError: (err, statement) =>
      run.cancelled ? cancelledError(statement.index) : mapPgQueryError(err, { statementIndex: statement.index, statementOffset: statement.offset }),
  });
}
