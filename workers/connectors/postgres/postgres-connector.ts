/**
 * The PostgreSQL connector: each session has its own pg.Client, outside the pool, for its life (so BEGIN … COMMIT
 * across runs works, and a fifth editor does not wait for a pool slot), and remembers the backend pid for cancel.
 * A session whose client died gets a new one on its next run (server-sessions.ts). One small pg.Pool per connection
 * serves everything else.
 *
 * Catalog work (metadata, type-name lookups, pg_cancel_backend) runs on a second connection: a pool client when one
 * is free, else a short-lived client, so a cancel never waits behind metadata.
 *
 * Health: an idle pooled client's death (the pool's 'error': pg_terminate_backend, a server restart) or a failed
 * connect after the pool had worked is reported 'lost' once; a probe then reports 'recovered' (health-monitor.ts).
 */
import pg from 'pg';
import { BridgeError } from '../../../protocol/errors.js';
import type { ConnectionConfig, ConnectionTestResult, SchemaMetadata, TableInfo } from '../../../protocol/index.js';
import type { Connector, ConnectorRunOptions, HealthListener, RowBatch } from '../connector.js';
import { HealthMonitor } from '../health-monitor.js';
import { ServerSessions, type ServerSession } from '../server-sessions.js';
import { maxSessionsOf } from '../session-limit.js';
import { pgClientConfig, pgErrorTarget, pgPoolConfig } from './postgres-config.js';
import { mapPgConnectError, mapPgQueryError, type PgErrorTarget } from './postgres-errors.js';
import { loadPgMetadata, loadPgTableInfo } from './postgres-metadata.js';
import { runPgStatements, type PgRunState } from './postgres-run.js';
import { PgTypeResolver } from './postgres-types.js';

interface PgSession extends ServerSession<PgRunState> {
  client: pg.Client;
  /** The backend's pid, which pg_cancel_backend names. */
  pid: number;
}

class PostgresConnector implements Connector {
  readonly type = 'postgres';
  readonly #config: ConnectionConfig;
  readonly #target: PgErrorTarget;
  readonly #pool: pg.Pool;
  readonly #sessions: ServerSessions<PgSession, PgRunState>;
  readonly #types: PgTypeResolver;
  readonly #health: HealthMonitor;

  constructor(config: ConnectionConfig) {
    this.#config = config;
    this.#target = pgErrorTarget(config);
    this.#sessions = new ServerSessions<PgSession, PgRunState>(
      {
        // From a control connection, and only while this run still owns the session's backend.
        stop: (session, run) =>
          this.#withControl(async (client) => {
            if (session.run === run) await client.query('SELECT pg_cancel_backend($1)', [session.pid]);
          }),
        destroy: (session) => void session.client.end().catch(() => undefined),
        // end() only asks the server to close, which it reads after the statement: close the socket itself, so the
        // statement being read fails now (pg fails the active query when its stream ends).
        interrupt: (session) => (session.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy(),
        brokenError: (error) => mapPgQueryError(error),
        reconnect: async (session) => void Object.assign(session, await this.#connectSession(() => session)),
        backendId: (session) => session.pid,
      },
      maxSessionsOf(config),
    );
    this.#pool = new pg.Pool(pgPoolConfig(config));
    this.#health = new HealthMonitor({ probe: () => this.#probe(), secret: config.password });
    this.#pool.on('connect', () => this.#health.connected());
    // An idle pooled client whose server goes away emits 'error'; without a listener that would kill the worker.
    this.#pool.on('error', (err) => this.#health.lost(err.message, codeOf(err)));
    this.#types = new PgTypeResolver((text, values) => this.#catalog(text, values));
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    const client = new pg.Client(pgClientConfig(this.#config));
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query({ text: `SELECT current_setting('server_version')`, rowMode: 'array' });
      const serverVersion = String((rows[0] as unknown[])[0]);
      this.#health.connected();
      const latencyMs = Math.round(performance.now() - started);
      return { ok: true, message: `Connected to PostgreSQL ${serverVersion}`, serverVersion, latencyMs };
    } catch (err) {
      throw mapPgConnectError(err, this.#target);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  getMetadata(): Promise<SchemaMetadata> {
    return this.#withControl((client) => loadPgMetadata(rowsOf(client)));
  }

  tableInfo(tableName: string, schema?: string): Promise<TableInfo> {
    return this.#withControl((client) => loadPgTableInfo(rowsOf(client), tableName, schema));
  }

  openSession(sessionId: string): Promise<void> {
    return this.#sessions.open(sessionId, async () => {
      // The connection's error listener may fire before the session exists: it then has no session to mark.
      const holder: { session?: PgSession } = {};
      holder.session = { ...(await this.#connectSession(() => holder.session)), run: null, cancelling: null, broken: null };
      return holder.session;
    });
  }

  /** A new client of a session's own, built from the same config as every other (postgres-config.ts). */
  async #connectSession(owner: () => PgSession | undefined): Promise<{ client: pg.Client; pid: number }> {
    const client = new pg.Client(pgClientConfig(this.#config));
    // Its connection dying must not become an uncaught 'error'; the session's next run reports it (and reconnects).
    client.on('error', (err) => {
      const session = owner();
      if (session?.client === client) session.broken = err;
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw this.#connectFailed(err);
    }
    this.#health.connected();
    try {
      return { client, pid: await backendPid(client) };
    } catch (err) {
      await client.end().catch(() => undefined);
      throw mapPgQueryError(err);
    }
  }

  runQuery(sessionId: string, sql: string, opts: ConnectorRunOptions): AsyncGenerator<RowBatch> {
    return this.#sessions.run(
      sessionId,
      opts,
      () => ({ cancelled: false }),
      (session, run) => runPgStatements(session.client, sql, opts, this.#types, run),
    );
  }

  cancel(sessionId: string): Promise<boolean> {
    return this.#sessions.cancel(sessionId);
  }

  async endSessionConnection(sessionId: string): Promise<boolean> {
    const backendId = this.#sessions.has(sessionId) ? this.#sessions.get(sessionId).pid : 0;
    if (!this.#sessions.sever(sessionId)) return false;
    // The server may notice the closed socket only once the statement writes: end it from the server side too.
    void this.endOrphanedBackends([backendId]).catch(() => undefined);
    return true;
  }

  closeSession(sessionId: string): Promise<void> {
    return this.#sessions.close(sessionId);
  }

  poolStats(): { total: number; idle: number; waiting: number; sessions: number } {
    const pool = this.#pool;
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, sessions: this.#sessions.connectionCount() };
  }

  onHealth(listener: HealthListener): void {
    this.#health.subscribe(listener);
  }

  onSessionBackend(listener: (sessionId: string, backendId: number | null) => void): void {
    this.#sessions.onBackend(listener);
  }

  /**
   * pg_terminate_backend, not pg_cancel_backend: the session's client is gone, so its backend serves nobody. Only
   * backends of our own user are touched, never this connection's own.
   */
  endOrphanedBackends(backendIds: number[]): Promise<number> {
    const pids = backendIds.filter((id) => Number.isSafeInteger(id) && id > 0);
    if (pids.length === 0) return Promise.resolve(0);
    return this.#withControl(async (client) => {
      const { rows } = await client.query({
        text: `SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid)) FROM pg_stat_activity a
                WHERE a.pid = ANY($1::int[]) AND a.usename = current_user AND a.pid <> pg_backend_pid()`,
        values: [pids],
        rowMode: 'array',
      });
      return Number((rows[0] as unknown[])[0]);
    });
  }

  async close(): Promise<void> {
    this.#health.close();
    for (const id of this.#sessions.ids()) await this.closeSession(id);
    await this.#pool.end();
  }

  async #catalog(text: string, values: unknown[]): Promise<unknown[][]> {
    return this.#withControl((client) => rowsOf(client)(text, values));
  }

  async #withControl<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    const pool = this.#pool;
    const max = pool.options.max ?? 4;
    if (pool.idleCount > 0 || pool.totalCount < max) {
      const client = await this.#connectPooled();
      try {
        const result = await fn(client);
        client.release();
        return result;
      } catch (err) {
        const mapped = this.#queryFailed(err);
        client.release(mapped.code === 'DB_CONN_LOST');
        throw mapped;
      }
    }
    const client = new pg.Client(pgClientConfig(this.#config));
    client.on('error', () => undefined);
    try {
      await client.connect();
      this.#health.connected();
    } catch (err) {
      throw this.#connectFailed(err);
    }
    try {
      return await fn(client);
    } catch (err) {
      throw this.#queryFailed(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async #connectPooled(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw this.#connectFailed(err);
    }
  }

  /** Maps a failed connect, and reports it as a loss when the server (not a full pool) was the reason. */
  #connectFailed(err: unknown): BridgeError {
    const mapped = mapPgConnectError(err, this.#target);
    // "timeout exceeded when trying to connect" is the pool's wait for a free slot, not the server's silence.
    const serverSide =
      mapped.code === 'DB_CONN_REFUSED' || (mapped.code === 'DB_TIMEOUT' && !mapped.message.includes('timeout exceeded'));
    if (serverSide) this.#health.lost(mapped.message, codeOf(mapped.details));
    return mapped;
  }

  /** Maps a failed catalog statement; a control client that lost its connection is a loss too. */
  #queryFailed(err: unknown): BridgeError {
    const mapped = err instanceof BridgeError ? err : mapPgQueryError(err);
    if (mapped.code === 'DB_CONN_LOST') this.#health.lost(mapped.message, codeOf(mapped.details));
    return mapped;
  }

  /** A fresh connection (never a pooled one, which may be the dead one) under the connect timeout. */
  async #probe(): Promise<void> {
    const client = new pg.Client(pgClientConfig(this.#config));
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The driver's code (a SQLSTATE or a Node error code), from an error or a BridgeError's details. */
function codeOf(source: unknown): string | undefined {
  const bag = (source ?? {}) as { code?: unknown; sqlState?: unknown };
  const code = bag.sqlState ?? bag.code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function rowsOf(client: pg.ClientBase): (text: string, values: unknown[]) => Promise<(string | null)[][]> {
  return async (text, values) => (await client.query({ text, values, rowMode: 'array' })).rows as (string | null)[][];
}

async function backendPid(client: pg.ClientBase): Promise<number> {
  const known = (client as unknown as { processID?: number }).processID;
  if (typeof known === 'number' && known > 0) return known;
  const { rows } = await client.query({ text: 'SELECT pg_backend_pid()', rowMode: 'array' });
  return Number((rows[0] as unknown[])[0]);
}

export function createPostgresConnector(config: ConnectionConfig): Connector {
  return new PostgresConnector(config);
}
