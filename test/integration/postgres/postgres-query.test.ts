/**
 * Sessions and runs on a real PostgreSQL: streamed batches, multi-statement lists, bind params, transactions across
 * runs, per-statement errors, back-pressure, cancel (explicit and by AbortSignal), a lost connection, pool sizing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { Connector, RowBatch } from '../../../workers/connectors/connector.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminClient, collect, createTestDatabase, dropTestDatabase, rowsByResultSet } from './pg-fixture.js';

const db = await testDatabase('postgres');
const DB_NAME = 'dbv_conn_pg_query';

const run = (connector: Connector, sessionId: string, sql: string, extra: { batchSize?: number; params?: unknown[]; signal?: AbortSignal } = {}) =>
  connector.runQuery(sessionId, sql, { batchSize: extra.batchSize ?? 500, params: extra.params, signal: extra.signal ?? new AbortController().signal });

async function activeOn(pid: number): Promise<number> {
  const admin = await adminClient(db.url!);
  try {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]);
    return rows[0].n as number;
  } finally {
    await admin.end();
  }
}

async function sessionPid(connector: Connector, sessionId: string): Promise<number> {
  const [batch] = await collect(run(connector, sessionId, 'SELECT pg_backend_pid()'));
  return batch.rows[0][0] as number;
}

/** Settles to the rejection reason at once, so a failure that lands while the test awaits something else is not "unhandled". */
function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the run to fail'),
    (err: unknown) => err,
  );
}

async function waitUntil(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${withinMs} ms`);
}

describe.skipIf(db.skip)('PostgreSQL runs', () => {
  let config: ConnectionConfig;
  let connector: Connector;

  beforeAll(async () => {
    config = await createTestDatabase(db.url!, DB_NAME);
    const admin = await adminClient(db.url!, DB_NAME);
    await admin.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)`);
    await admin.query(`CREATE SEQUENCE pulled`);
    await admin.end();
    connector = createPostgresConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it('streams a result set in batches of batchSize with columns on every batch', async () => {
    await connector.openSession('stream');
    const batches = await collect(run(connector, 'stream', 'SELECT g AS n, g::text AS label FROM generate_series(1, 7) g', { batchSize: 3 }));
    expect(batches.map((b) => b.rows.length)).toEqual([3, 3, 1]);
    expect(batches.map((b) => b.last)).toEqual([false, false, true]);
    for (const b of batches) expect(b.columns).toEqual([{ name: 'n', type: 'int4' }, { name: 'label', type: 'text' }]);
    expect(rowsByResultSet(batches)[0]).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, String(n)]));
    await connector.closeSession('stream');
  });

  it('ends a result set that fills its last batch exactly with an empty last batch', async () => {
    await connector.openSession('exact');
    const batches = await collect(run(connector, 'exact', 'SELECT g FROM generate_series(1, 4) g', { batchSize: 2 }));
    expect(batches.map((b) => [b.rows.length, b.last])).toEqual([[2, false], [2, false], [0, true]]);
    await connector.closeSession('exact');
  });

  it('runs a statement list: one result set per statement, DML as rowsAffected', async () => {
    await connector.openSession('multi');
    const sql = `INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
      SELECT id, name FROM items ORDER BY id; -- a comment with a ; inside
      UPDATE items SET name = upper(name) WHERE id > 1;
      SELECT count(*) FROM items;
      DELETE FROM items`;
    const batches = await collect(run(connector, 'multi', sql));
    expect(batches.map((b) => b.resultSetIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(batches[0]).toMatchObject({ rows: [], columns: [], rowsAffected: 3, last: true });
    expect(batches[1].rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(batches[2]).toMatchObject({ rows: [], rowsAffected: 2 });
    expect(batches[3].rows).toEqual([['3']]);
    expect(batches[3].columns).toEqual([{ name: 'count', type: 'int8' }]);
    expect(batches[4]).toMatchObject({ rowsAffected: 3 });
    await connector.closeSession('multi');
  });

  it('passes params as bind parameters ($1, $2)', async () => {
    await connector.openSession('params');
    const [batch] = await collect(run(connector, 'params', `SELECT $1::int + 1 AS n, $2::text AS t, $3::text IS NULL AS isnull`, { params: [41, "it's; -- fine", null] }));
    expect(batch.rows).toEqual([[42, "it's; -- fine", true]]);
    await expect(collect(run(connector, 'params', 'SELECT $1; SELECT 2', { params: [1] }))).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await connector.closeSession('params');
  });

  it('stops a list at the failing statement and reports its index and the driver details', async () => {
    await connector.openSession('fail');
    const seen: RowBatch[] = [];
    let error: unknown;
    try {
      for await (const b of run(connector, 'fail', 'SELECT 1; SELECT * FROM no_such_table; SELECT 3')) seen.push(b);
    } catch (err) {
      error = err;
    }
    expect(seen.map((b) => b.resultSetIndex)).toEqual([0]);
    expect(error).toMatchObject({ code: 'QUERY_FAILED', details: { sqlState: '42P01', statementIndex: 1, statementOffset: 10, position: 15 } });

    await expect(collect(run(connector, 'fail', 'SELECT 1; SELEC 2'))).rejects.toMatchObject({
      code: 'QUERY_SYNTAX_ERROR',
      details: { sqlState: '42601', statementIndex: 1, position: 1 },
    });
    await expect(collect(run(connector, 'fail', `INSERT INTO items VALUES (1, 'x'); INSERT INTO items VALUES (1, 'y')`))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      details: { sqlState: '23505', statementIndex: 1, constraint: 'items_pkey', table: 'items', schema: 'public', detail: expect.stringContaining('already exists') },
    });
    // The session is still usable after each failure.
    expect((await collect(run(connector, 'fail', 'SELECT 7')))[0].rows).toEqual([[7]]);
    await collect(run(connector, 'fail', 'DELETE FROM items'));
    await connector.closeSession('fail');
  });

  it('keeps one connection per session, so a transaction spans runs', async () => {
    await connector.openSession('tx');
    await connector.openSession('other');
    await collect(run(connector, 'tx', `BEGIN; INSERT INTO items VALUES (10, 'tx')`));
    expect((await collect(run(connector, 'other', 'SELECT count(*) FROM items WHERE id = 10')))[0].rows).toEqual([['0']]);
    expect((await collect(run(connector, 'tx', 'SELECT count(*) FROM items WHERE id = 10')))[0].rows).toEqual([['1']]);
    await collect(run(connector, 'tx', 'ROLLBACK'));
    expect((await collect(run(connector, 'other', 'SELECT count(*) FROM items WHERE id = 10')))[0].rows).toEqual([['0']]);
    await connector.closeSession('tx');
    await connector.closeSession('other');
  });

  it('reads nothing ahead of the consumer: the server has computed only what was pulled', async () => {
    await connector.openSession('pressure');
    const iterator = run(connector, 'pressure', `SELECT nextval('pulled') FROM generate_series(1, 100000)`, { batchSize: 100 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect((first.value as RowBatch).rows).toHaveLength(100);
    const admin = await adminClient(db.url!, DB_NAME);
    // nextval is not transactional: another connection sees how many rows the server has produced so far.
    const { rows } = await admin.query(`SELECT last_value::int AS v FROM pulled`);
    expect(rows[0].v).toBe(100);
    await iterator.next();
    expect((await admin.query(`SELECT last_value::int AS v FROM pulled`)).rows[0].v).toBe(200);
    await admin.end();
    await iterator.return?.(undefined);
    // Closing the iterator early closed the portal: the session runs the next statement.
    expect((await collect(run(connector, 'pressure', 'SELECT 1')))[0].rows).toEqual([[1]]);
    await connector.closeSession('pressure');
  });

  it('cancels pg_sleep(60): QUERY_CANCELLED, gone from pg_stat_activity within 1 s, session usable', async () => {
    await connector.openSession('cancel');
    const pid = await sessionPid(connector, 'cancel');
    const pending = failureOf(collect(run(connector, 'cancel', 'SELECT 1; SELECT pg_sleep(60); SELECT 3')));
    await waitUntil(async () => (await activeOn(pid)) === 1, 5_000);
    const started = Date.now();
    expect(await connector.cancel('cancel')).toBe(true);
    expect(await pending).toMatchObject({ code: 'QUERY_CANCELLED', details: { statementIndex: 1 } });
    await waitUntil(async () => (await activeOn(pid)) === 0, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await collect(run(connector, 'cancel', 'SELECT 2')))[0].rows).toEqual([[2]]);
    expect(await connector.cancel('cancel')).toBe(false);
    await connector.closeSession('cancel');
  });

  it('honours the run signal: abort cancels on the server', async () => {
    await connector.openSession('abort');
    const pid = await sessionPid(connector, 'abort');
    const controller = new AbortController();
    const pending = failureOf(collect(run(connector, 'abort', 'SELECT pg_sleep(60)', { signal: controller.signal })));
    await waitUntil(async () => (await activeOn(pid)) === 1, 5_000);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'QUERY_CANCELLED' });
    await waitUntil(async () => (await activeOn(pid)) === 0, 1_000);
    expect((await collect(run(connector, 'abort', 'SELECT 5')))[0].rows).toEqual([[5]]);
    await connector.closeSession('abort');
  });

  it('cancels a run paused between batches and leaves the session usable', async () => {
    await connector.openSession('paused');
    const controller = new AbortController();
    const iterator = run(connector, 'paused', 'SELECT g FROM generate_series(1, 100000) g', { batchSize: 10, signal: controller.signal })[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as RowBatch).rows).toHaveLength(10);
    expect(await connector.cancel('paused')).toBe(true);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect((await collect(run(connector, 'paused', 'SELECT 6')))[0].rows).toEqual([[6]]);
    await connector.closeSession('paused');
  });

  it('answers SESSION_BUSY while a run is in progress and SESSION_NOT_FOUND for an unknown session', async () => {
    await connector.openSession('busy');
    const iterator = run(connector, 'busy', 'SELECT g FROM generate_series(1, 10) g', { batchSize: 2 })[Symbol.asyncIterator]();
    await iterator.next();
    await expect(collect(run(connector, 'busy', 'SELECT 1'))).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    await iterator.return?.(undefined);
    await expect(collect(run(connector, 'nope', 'SELECT 1'))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await connector.closeSession('busy');
  });

  it('reports DB_CONN_LOST when the session backend is terminated, and the next run is on a new backend', async () => {
    await connector.openSession('lost');
    const pid = await sessionPid(connector, 'lost');
    const pending = failureOf(collect(run(connector, 'lost', 'SELECT pg_sleep(30)')));
    await waitUntil(async () => (await activeOn(pid)) === 1, 5_000);
    const admin = await adminClient(db.url!);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    expect(await pending).toMatchObject({ code: 'DB_CONN_LOST', details: { sessionStateLost: true } });
    const [first] = await collect(run(connector, 'lost', 'SELECT pg_backend_pid()'));
    expect(first).toMatchObject({ sessionReconnected: true });
    expect(Number(first.rows[0][0])).not.toBe(pid);
    expect(await sessionPid(connector, 'lost')).toBe(Number(first.rows[0][0]));
    await connector.closeSession('lost');
  });

  it('opens sessions outside the pool up to extra.maxSessions, refuses one more at once, and still cancels', async () => {
    const small = createPostgresConnector({ ...config, extra: { poolSize: 1, maxSessions: 2, connectTimeoutMs: 500 } });
    try {
      await small.openSession('a');
      await small.openSession('b');
      expect(small.poolStats?.()).toEqual({ total: 0, idle: 0, waiting: 0, sessions: 2 });
      const refusedAt = Date.now();
      await expect(small.openSession('c')).rejects.toMatchObject({ code: 'SESSION_LIMIT', details: { maxSessions: 2 } });
      expect(Date.now() - refusedAt).toBeLessThan(200);
      const pid = await sessionPid(small, 'a');
      const pending = failureOf(collect(run(small, 'a', 'SELECT pg_sleep(60)')));
      await waitUntil(async () => (await activeOn(pid)) === 1, 5_000);
      await small.cancel('a');
      expect(await pending).toMatchObject({ code: 'QUERY_CANCELLED' });
      // Metadata also works with every pool slot leased (it uses a short-lived connection).
      expect((await small.tableInfo('items')).name).toBe('items');
    } finally {
      await small.close();
    }
  });

  it('releases idle pool connections after extra.idleTimeoutMs', async () => {
    const idle = createPostgresConnector({ ...config, extra: { poolSize: 3, idleTimeoutMs: 1_000 } });
    try {
      await Promise.all([idle.tableInfo('items'), idle.tableInfo('items')]);
      expect(idle.poolStats?.().total).toBeGreaterThanOrEqual(1);
      // The pool's reaper closes what stayed idle past the timeout (mysql2 checks once a second).
      await waitUntil(async () => idle.poolStats?.().total === 0, 4_000);
    } finally {
      await idle.close();
    }
  });

  it('refuses COPY to/from the client with QUERY_FAILED instead of crashing, and the session goes on', async () => {
    await connector.openSession('copy');
    await expect(collect(run(connector, 'copy', 'SELECT 1; COPY (SELECT 1) TO STDOUT'))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      details: { statementIndex: 1 },
    });
    await expect(collect(run(connector, 'copy', 'COPY items FROM STDIN'))).rejects.toMatchObject({ code: 'QUERY_FAILED' });
    expect((await collect(run(connector, 'copy', 'SELECT 8')))[0].rows).toEqual([[8]]);
    await connector.closeSession('copy');
  });
});
