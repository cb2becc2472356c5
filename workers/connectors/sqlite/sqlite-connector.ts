/**
 * The SQLite connector (better-sqlite3 12). It runs inside the connection's worker, by default a child process,
 * because a native-driver fault there must not take down the supervisor (docs/architecture.md).
 *
 * Every session owns its own database handle, so `BEGIN … COMMIT` across runs stays within that session; metadata
 * and tests use a separate handle. With `database: ':memory:'` every handle is its own private, empty database.
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BridgeError, sessionBusyError } from '../../../protocol/errors.js';
import type { ConnectionConfig, ConnectionTestResult, SchemaMetadata, TableInfo } from '../../../protocol/index.js';
import type { Connector, ConnectorFactory, ConnectorRunOptions, RowBatch } from '../connector.js';
import { databasePath, openDatabase, toBridgeError, type SqliteDatabase } from './sqlite-database.js';
import { readMetadata, readTableInfo } from './sqlite-metadata.js';
import { runStatements } from './sqlite-run.js';
import { claimSessionSlot, maxSessionsOf } from '../session-limit.js';

export const createSqliteConnector: ConnectorFactory = (config) => new SqliteConnector(config);

interface Session {
  db: SqliteDatabase;
  /** Set while a run is in progress; aborting it is how `cancel` reaches the run. */
  run?: AbortController;
  /** closeSession came while a run still held the handle; the run closes it when it ends. */
  closing?: boolean;
}

class SqliteConnector implements Connector {
  readonly type = 'sqlite';
  readonly #config: ConnectionConfig;
  readonly #sessions = new Map<string, Session>();
  #metadataDb: SqliteDatabase | undefined;

  constructor(config: ConnectionConfig) {
    this.#config = config;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    const db = openDatabase(this.#config);
    try {
      const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
      // Reading the schema is what fails for a file that is not a database (SQLITE_NOTADB); opening does not.
      db.prepare('select count(*) from sqlite_schema').get();
      return { ok: true, serverVersion: v, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      throw toBridgeError(err);
    } finally {
      db.close();
    }
  }

  async getMetadata(): Promise<SchemaMetadata> {
    try {
      return readMetadata(this.#metadataHandle(), basename(databasePath(this.#config)));
    } catch (err) {
      throw toBridgeError(err);
    }
  }

  async tableInfo(tableName: string, schema?: string): Promise<TableInfo> {
    try {
      return readTableInfo(this.#metadataHandle(), tableName, schema);
    } catch (err) {
      throw toBridgeError(err);
    }
  }

  async openSession(sessionId: string): Promise<void> {
    if (this.#sessions.has(sessionId)) return;
    claimSessionSlot(this.#sessions.size, maxSessionsOf(this.#config));
    this.#sessions.set(sessionId, { db: openDatabase(this.#config) });
  }

  async *runQuery(sessionId: string, sql: string, opts: ConnectorRunOptions): AsyncGenerator<RowBatch> {
    const session = this.#session(sessionId);
    if (session.run !== undefined) throw sessionBusyError({ sessionId });
    const run = new AbortController();
    session.run = run;
    try {
      yield* runStatements(session.db, sql, {
        batchSize: opts.batchSize,
        rowFormat: opts.rowFormat,
        params: opts.params,
        signal: AbortSignal.any([opts.signal, run.signal]),
      });
    } finally {
      session.run = undefined;
      if (session.closing === true) session.db.close();
    }
  }

  /**
   * Flags the run; it stops at the next row or batch boundary. A single long SQLite step cannot be interrupted
   * in-process (better-sqlite3 has no sqlite3_interrupt): the supervisor kills the worker process for that.
   */
  async cancel(sessionId: string): Promise<boolean> {
    const run = this.#sessions.get(sessionId)?.run;
    if (run === undefined || run.signal.aborted) return false;
    run.abort();
    return true;
  }

  async closeSession(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) return;
    this.#sessions.delete(sessionId);
    // A handle cannot close while a statement iterates on it ("connection is busy"); the run closes it instead.
    if (session.run !== undefined) {
      session.closing = true;
      session.run.abort();
    } else {
      session.db.close();
    }
  }

  poolStats(): { total?: number; idle?: number; waiting?: number } {
    const sessions = [...this.#sessions.values()];
    return { total: sessions.length, idle: sessions.filter((s) => s.run === undefined).length, waiting: 0 };
  }

  async close(): Promise<void> {
    for (const id of [...this.#sessions.keys()]) await this.closeSession(id);
    this.#metadataDb?.close();
    this.#metadataDb = undefined;
  }

  #session(sessionId: string): Session {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) throw new BridgeError('SESSION_NOT_FOUND', 'No open session with that id.', { sessionId });
    return session;
  }

  #metadataHandle(): SqliteDatabase {
    this.#metadataDb ??= openDatabase(this.#config);
    return this.#metadataDb;
  }
}
