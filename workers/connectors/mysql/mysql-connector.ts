/**
 * The MySQL/MariaDB connector: each session has its own mysql2 connection, outside the pool, for its life (so
 * BEGIN … COMMIT across runs works, and a fifth editor does not wait for a pool slot), and remembers its thread id
 * for KILL QUERY. A session whose connection died gets a new one on its next run (server-sessions.ts).
 *
 * Catalog work and KILL QUERY run on the connection's small pool: a pool connection when one is free, else a
 * short-lived one, so a cancel never waits behind metadata.
 *
 * Health: a pooled connection's 'error' (KILL CONNECTION, the server gone) or a failed connect after the pool had
 * worked is reported 'lost' once; a probe then reports 'recovered' (health-monitor.ts).
 */
import mysql from 'mysql2';
import { BridgeError } from '../../../protocol/errors.js';
import type { ConnectionConfig, ConnectionTestResult, SchemaMetadata, TableInfo } from '../../../protocol/index.js';
import type { Connector, ConnectorRunOptions, HealthListener, RowBatch } from '../connector.js';
import { HealthMonitor } from '../health-monitor.js';
import { ServerSessions, type ServerSession } from '../server-sessions.js';
import { maxSessionsOf } from '../session-limit.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, mysqlConnectionOptions, mysqlErrorTarget, mysqlPoolOptions } from './mysql-config.js';
import { mapMysqlConnectError, mapMysqlQueryError, type MysqlErrorTarget } from './mysql-errors.js';
import { loadMysqlMetadata, loadMysqlTableInfo } from './mysql-metadata.js';
import { runMysqlStatements, type MysqlRunState } from './mysql-run.js';
import type { RawMysqlConnection } from './mysql-statement-reader.js';

type Conn = mysql.Connection | mysql.PoolConnection;

interface MysqlSession extends ServerSession<MysqlRunState> {
  connection: mysql.Connection;
  /** The connection's thread id, which KILL QUERY names. */
  threadId: number;
}

/** mysql2's pool keeps its counts in fields its typings do not show. */
interface PoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

function queryRows(connection: Conn, sql: string, values: unknown[]): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values, rowsAsArray: true }, (err, rows) => (err ? reject(err) : resolve(rows as unknown[][])));
  });
}

class MysqlConnector implements Connector {
  readonly type = 'mysql';
  readonly #config: ConnectionConfig;
  readonly #target: MysqlErrorTarget;
  readonly #pool: mysql.Pool;
  readonly #limit: number;
  readonly #sessions: ServerSessions<MysqlSession, MysqlRunState>;
  readonly #health: HealthMonitor;

  constructor(config: ConnectionConfig) {
    this.#config = config;
    this.#sessions = new ServerSessions<MysqlSession, MysqlRunState>(
      {
        stop: (_session, run) => run.kill(),
        destroy: (session) => session.connection.destroy(),
        // mysql2 tells a destroyed connection's streaming query nothing: the reader must be ended by hand.
        interrupt: (_session, run) => run.reader?.fail(new Error('the session connection was ended')),
        brokenError: (error) => mapMysqlQueryError(error),
        reconnect: async (session) => void Object.assign(session, await this.#connectSession(() => session)),
        backendId: (session) => session.threadId,
      },
      maxSessionsOf(config),
    );
    this.#target = mysqlErrorTarget(config);
    const options = mysqlPoolOptions(config);
    this.#limit = options.connectionLimit ?? 4;
    this.#pool = mysql.createPool(options);
    this.#health = new HealthMonitor({ probe: () => this.#probe(), secret: config.password });
    // A pooled connection that dies emits 'error' once per failure; keep a listener so it never goes uncaught.
    this.#pool.on('connection', (connection) => {
      this.#health.connected();
      connection.on('error', (err: { message?: string; code?: string }) => this.#health.lost(err.message ?? 'Connection lost', err.code));
    });
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    const connection = mysql.createConnection(mysqlConnectionOptions(this.#config));
    connection.on('error', () => undefined);
    try {
      const [[version]] = await queryRows(connection, 'SELECT VERSION()', []);
      const serverVersion = String(version);
      this.#health.connected();
      const latencyMs = Math.round(performance.now() - started);
      const product = serverVersion.includes('MariaDB') ? 'MariaDB' : 'MySQL';
      return { ok: true, message: `Connected to ${product} ${serverVersion}`, serverVersion, latencyMs };
    } catch (err) {
      throw mapMysqlConnectError(err, this.#target);
    } finally {
      connection.destroy();
    }
  }

  getMetadata(): Promise<SchemaMetadata> {
    return this.#withControl((c) => loadMysqlMetadata((sql, values) => queryRows(c, sql, values)));
  }

  tableInfo(tableName: string, schema?: string): Promise<TableInfo> {
    return this.#withControl((c) => loadMysqlTableInfo((sql, values) => queryRows(c, sql, values), tableName, schema));
  }

  openSession(sessionId: string): Promise<void> {
    return this.#sessions.open(sessionId, async () => {
      // The connection's error listener may fire before the session exists: it then has no session to mark.
      const holder: { session?: MysqlSession } = {};
      holder.session = { ...(await this.#connectSession(() => holder.session)), run: null, cancelling: null, broken: null };
      return holder.session;
    });
  }

  /** A new connection of a session's own, built from the same options as every other (mysql-config.ts). */
  async #connectSession(owner: () => MysqlSession | undefined): Promise<{ connection: mysql.Connection; threadId: number }> {
    const connection = mysql.createConnection(mysqlConnectionOptions(this.#config));
    // mysql2 reports a lost connection on the connection, not on a streaming query: end the statement being read.
    connection.on('error', (err) => {
      const session = owner();
      if (session?.connection !== connection) return;
      session.broken = err;
      session.run?.reader?.fail(err);
    });
    try {
      await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      connection.destroy();
      throw this.#connectFailed(err);
    }
    this.#health.connected();
    return { connection, threadId: connection.threadId };
  }

  runQuery(sessionId: string, sql: string, opts: ConnectorRunOptions): AsyncGenerator<RowBatch> {
    return this.#sessions.run(
      sessionId,
      opts,
      (session) => {
        // The run itself also kills its query when it stops reading early (mysql-run.ts): once per run, either way.
        let killing: Promise<void> | null = null;
        const run: MysqlRunState = { cancelled: false, reader: null, kill: () => (killing ??= this.#kill(session, run)) };
        return run;
      },
      (session, run) => runMysqlStatements(session.connection as unknown as RawMysqlConnection, sql, opts, run),
    );
  }

  cancel(sessionId: string): Promise<boolean> {
    return this.#sessions.cancel(sessionId);
  }

  async endSessionConnection(sessionId: string): Promise<boolean> {
    const backendId = this.#sessions.has(sessionId) ? this.#sessions.get(sessionId).threadId : 0;
    if (!this.#sessions.sever(sessionId)) return false;
    // The server may notice the closed socket only once the statement writes: end it from the server side too.
    void this.endOrphanedBackends([backendId]).catch(() => undefined);
    return true;
  }

  closeSession(sessionId: string): Promise<void> {
    return this.#sessions.close(sessionId);
  }

  poolStats(): { total: number; idle: number; waiting: number; sessions: number } {
    const pool = this.#pool as unknown as PoolInternals;
    const sessions = this.#sessions.connectionCount();
    return { total: pool._allConnections.length, idle: pool._freeConnections.length, waiting: pool._connectionQueue.length, sessions };
  }

  onHealth(listener: HealthListener): void {
    this.#health.subscribe(listener);
  }

  onSessionBackend(listener: (sessionId: string, backendId: number | null) => void): void {
    this.#sessions.onBackend(listener);
  }

  /** KILL (the connection, not just its query): the session's client is gone. An id already gone is skipped. */
  endOrphanedBackends(backendIds: number[]): Promise<number> {
    const ids = backendIds.filter((id) => Number.isSafeInteger(id) && id > 0);
    if (ids.length === 0) return Promise.resolve(0);
    return this.#withControl(async (c) => {
      let ended = 0;
      for (const id of ids) {
        try {
          await queryRows(c, `KILL ${id}`, []);
          ended++;
        } catch (error) {
          // ER_NO_SUCH_THREAD: it ended by itself meanwhile.
          if ((error as { errno?: number }).errno !== 1094) throw error;
        }
      }
      return ended;
    });
  }

  async close(): Promise<void> {
    this.#health.close();
    for (const id of this.#sessions.ids()) await this.closeSession(id);
    await new Promise<void>((resolve) => this.#pool.end(() => resolve()));
  }

  /** KILL QUERY from a second connection, only while this run still owns the session's connection. */
  #kill(session: MysqlSession, run: MysqlRunState): Promise<void> {
    return this.#withControl(async (c) => {
      if (session.run !== run) return;
      await queryRows(c, `KILL QUERY ${Number(session.threadId)}`, []);
    });
  }

  /** A pool connection, failing with DB_TIMEOUT after connectTimeoutMs (mysql2 would queue forever when full). */
  #acquire(): Promise<mysql.PoolConnection> {
    const timeoutMs = this.#config.extra?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new BridgeError('DB_TIMEOUT', `No database connection became free within ${timeoutMs} ms`, { ...this.#target, poolSize: this.#limit }));
      }, timeoutMs);
      this.#pool.getConnection((err, connection) => {
        clearTimeout(timer);
        if (timedOut) {
          connection?.release();
          return;
        }
        if (err) reject(this.#connectFailed(err));
        else resolve(connection);
      });
    });
  }

  async #withControl<T>(fn: (connection: Conn) => Promise<T>): Promise<T> {
    const pool = this.#pool as unknown as PoolInternals;
    const pooled = pool._freeConnections.length > 0 || pool._allConnections.length < this.#limit;
    let connection: Conn;
    if (pooled) {
      connection = await this.#acquire();
    } else {
      connection = mysql.createConnection(mysqlConnectionOptions(this.#config));
      connection.on('error', () => undefined);
    }
    try {
      const result = await fn(connection);
      if (pooled) (connection as mysql.PoolConnection).release();
      else connection.destroy();
      return result;
    } catch (err) {
      const mapped = err instanceof BridgeError ? err : mapMysqlQueryError(err);
      if (pooled && mapped.code !== 'DB_CONN_LOST') (connection as mysql.PoolConnection).release();
      else connection.destroy();
      // A one-off connection fails its first query when it cannot connect: that is a connect failure.
      if (!pooled && isConnectPhase(err)) throw this.#connectFailed(err);
      if (mapped.code === 'DB_CONN_LOST') this.#health.lost(mapped.message, codeOf(mapped.details));
      throw mapped;
    }
  }

  /** Maps a failed connect, and reports it as a loss when the server could not be reached or dropped us. */
  #connectFailed(err: unknown): BridgeError {
    const mapped = mapMysqlConnectError(err, this.#target);
    if (mapped.code === 'DB_CONN_REFUSED' || mapped.code === 'DB_TIMEOUT') this.#health.lost(mapped.message, codeOf(mapped.details));
    return mapped;
  }

  /** A fresh connection (never a pooled one, which may be the dead one) under the connect timeout. */
  #probe(): Promise<void> {
    const connection = mysql.createConnection(mysqlConnectionOptions(this.#config));
    connection.on('error', () => undefined);
    return queryRows(connection, 'SELECT 1', []).then(
      () => connection.destroy(),
      (err: unknown) => {
        connection.destroy();
        throw err;
      },
    );
  }
}

/** The driver's code (ECONNREFUSED, PROTOCOL_CONNECTION_LOST…) from a BridgeError's details. */
function codeOf(details: Record<string, unknown> | undefined): string | undefined {
  const code = details?.code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function isConnectPhase(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  const errno = (err as { errno?: number } | null)?.errno;
  const connectCodes = ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'HANDSHAKE_SSL_ERROR', 'HANDSHAKE_NO_SSL_SUPPORT'];
  return err instanceof BridgeError || connectCodes.includes(code ?? '') || errno === 1045 || errno === 1049;
}

export function createMysqlConnector(config: ConnectionConfig): Connector {
  return new MysqlConnector(config);
}
