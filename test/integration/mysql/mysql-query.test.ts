/**
 * Sessions and runs on a real MariaDB/MySQL: streamed batches, multi-statement lists, bind params, transactions
 * across runs, per-statement errors, back-pressure, cancel (explicit and by AbortSignal), a lost connection,
 * pool sizing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { Connector, RowBatch } from '../../../workers/connectors/connector.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminConnection, collect, createTestDatabase, dropTestDatabase, rowsByResultSet } from './mysql-fixture.js';

const db = await testDatabase('mysql');
const DB_NAME = 'dbv_conn_my_query';

const run = (connector: Connector, sessionId: string, sql: string, extra: { batchSize?: number; params?: unknown[]; signal?: AbortSignal } = {}) =>
  connector.runQuery(sessionId, sql, { batchSize: extra.batchSize ?? 500, params: extra.params, signal: extra.signal ?? new AbortController().signal });

/** Settles to the rejection reason at once, so a failure that lands while the test awaits something else is not "unhandled". */
function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the run to fail'),
    (err: unknown) => err,
  );
}

async function runningOn(threadId: number): Promise<number> {
  const admin = await adminConnection(db.url!);
  try {
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND COMMAND = 'Query'`, [threadId]);
    return Number((rows as { n: number }[])[0].n);
  } finally {
    await admin.end();
  }
}

async function threadOf(connector: Connector, sessionId: string): Promise<number> {
  const [batch] = await collect(run(connector, sessionId, 'SELECT CONNECTION_ID()'));
  return Number(batch.rows[0][0]);
}

async function waitUntil(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${withinMs} ms`);
}

describe.skipIf(db.skip)('MySQL runs', () => {
  let config: ConnectionConfig;
  let connector: Connector;
  let isMariaDb = false;

  beforeAll(async () => {
    config = await createTestDatabase(db.url!, DB_NAME);
    const admin = await adminConnection(db.url!, DB_NAME);
    await admin.query(`CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL) ENGINE=InnoDB`);
    const [[version]] = (await admin.query({ sql: 'SELECT VERSION()', rowsAsArray: true })) as unknown as [[string]][];
    isMariaDb = String(version).includes('MariaDB');
    await admin.end();
    connector = createMysqlConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it('streams a result set in batches of batchSize with columns on every batch', async () => {
    await connector.openSession('stream');
    const sql = `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 7) SELECT n, CAST(n AS CHAR) AS label FROM g`;
    const batches = await collect(run(connector, 'stream', sql, { batchSize: 3 }));
    expect(batches.map((b) => b.rows.length)).toEqual([3, 3, 1]);
    expect(batches.map((b) => b.last)).toEqual([false, false, true]);
    for (const b of batches) expect(b.columns.map((c) => c.name)).toEqual(['n', 'label']);
    expect(rowsByResultSet(batches)[0].map((r) => r[1])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    await connector.closeSession('stream');
  });

  it('runs a statement list: one result set per statement, DML as rowsAffected', async () => {
    await connector.openSession('multi');
    const sql = `INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
      SELECT id, name FROM items ORDER BY id; # a comment with a ; inside
      UPDATE items SET name = UPPER(name) WHERE id > 1;
      SELECT COUNT(*) FROM items;
      DELETE FROM items`;
    const batches = await collect(run(connector, 'multi', sql));
    expect(batches.map((b) => b.resultSetIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(batches[0]).toMatchObject({ rows: [], columns: [], rowsAffected: 3, last: true });
    expect(batches[1].rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(batches[1].columns).toEqual([
      { name: 'id', type: 'int', nullable: false },
      { name: 'name', type: 'varchar(20)', nullable: false },
    ]);
    expect(batches[2]).toMatchObject({ rows: [], rowsAffected: 2 });
    expect(batches[3].rows).toEqual([['3']]);
    expect(batches[3].columns).toEqual([{ name: 'COUNT(*)', type: 'bigint', nullable: false }]);
    expect(batches[4]).toMatchObject({ rowsAffected: 3 });
    await connector.closeSession('multi');
  });

  it('passes params as bind parameters (?)', async () => {
    await connector.openSession('params');
    const [batch] = await collect(run(connector, 'params', `SELECT ? + 1 AS n, ? AS t, ? IS NULL AS isnull, '?' AS literal`, { params: [41, "it's; -- fine", null] }));
    expect(batch.rows[0].slice(1)).toEqual(["it's; -- fine", 1, '?']);
    expect(Number(batch.rows[0][0])).toBe(42);
    await expect(collect(run(connector, 'params', 'SELECT ?; SELECT 2', { params: [1] }))).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
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
    expect(error).toMatchObject({ code: 'QUERY_FAILED', details: { errno: 1146, code: 'ER_NO_SUCH_TABLE', sqlState: '42S02', statementIndex: 1, statementOffset: 10 } });
    await expect(collect(run(connector, 'fail', 'SELECT 1; SELEC 2'))).rejects.toMatchObject({
      code: 'QUERY_SYNTAX_ERROR',
      details: { errno: 1064, sqlState: '42000', statementIndex: 1 },
    });
    await expect(collect(run(connector, 'fail', `INSERT INTO items VALUES (1, 'x'); INSERT INTO items VALUES (1, 'y')`))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      details: { errno: 1062, code: 'ER_DUP_ENTRY', statementIndex: 1 },
    });
    expect((await collect(run(connector, 'fail', 'SELECT 7')))[0].rows).toEqual([[7]]);
    await collect(run(connector, 'fail', 'DELETE FROM items'));
    await connector.closeSession('fail');
  });

  it('keeps one connection per session, so a transaction spans runs', async () => {
    await connector.openSession('tx');
    await connector.openSession('other');
    await collect(run(connector, 'tx', `START TRANSACTION; INSERT INTO items VALUES (10, 'tx')`));
    expect((await collect(run(connector, 'other', 'SELECT COUNT(*) FROM items WHERE id = 10')))[0].rows).toEqual([['0']]);
    expect((await collect(run(connector, 'tx', 'SELECT COUNT(*) FROM items WHERE id = 10')))[0].rows).toEqual([['1']]);
    await collect(run(connector, 'tx', 'ROLLBACK'));
    expect((await collect(run(connector, 'other', 'SELECT COUNT(*) FROM items WHERE id = 10')))[0].rows).toEqual([['0']]);
    await connector.closeSession('tx');
    await connector.closeSession('other');
  });

  it('reads no further ahead than the socket buffers: the server is held back by the paused consumer', async () => {
    if (!isMariaDb) return; // Sequences (the non-transactional progress counter) are MariaDB's.
    const admin = await adminConnection(db.url!, DB_NAME);
    await admin.query('CREATE OR REPLACE SEQUENCE pulled');
    await connector.openSession('pressure');
    const total = 2_000_000;
    // Wide rows so the result far exceeds what socket buffers can hold (~a few MB).
    const sql = `SELECT NEXTVAL(pulled), REPEAT('x', 200) FROM seq_1_to_${total}`;
    const iterator = run(connector, 'pressure', sql, { batchSize: 100 })[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as RowBatch).rows).toHaveLength(100);
    await new Promise((r) => setTimeout(r, 300));
    const produced = async () => Number(((await admin.query({ sql: 'SELECT NEXTVAL(pulled)', rowsAsArray: true })) as unknown as [[[string]]])[0][0][0]);
    const first = await produced();
    await new Promise((r) => setTimeout(r, 300));
    const second = await produced();
    // Held back: far fewer rows than the result has, and no progress while nobody pulls (the probe itself adds 1).
    expect(first).toBeLessThan(total / 4);
    expect(second - first).toBeLessThanOrEqual(1);
    // Closing early sends KILL QUERY and drains quickly; the session runs the next statement.
    const started = Date.now();
    await iterator.return?.(undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await collect(run(connector, 'pressure', 'SELECT 1')))[0].rows).toEqual([[1]]);
    await connector.closeSession('pressure');
    await admin.end();
  });

  it('cancels SLEEP(60): QUERY_CANCELLED, gone from the processlist within 1 s, session usable', async () => {
    await connector.openSession('cancel');
    const thread = await threadOf(connector, 'cancel');
    const pending = failureOf(collect(run(connector, 'cancel', 'SELECT 1; SELECT SLEEP(60); SELECT 3')));
    await waitUntil(async () => (await runningOn(thread)) === 1, 5_000);
    const started = Date.now();
    expect(await connector.cancel('cancel')).toBe(true);
    const error = await pending;
    await waitUntil(async () => (await runningOn(thread)) === 0, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: 'QUERY_CANCELLED', details: { statementIndex: 1 } });
    expect((await collect(run(connector, 'cancel', 'SELECT 2')))[0].rows).toEqual([[2]]);
    expect(await connector.cancel('cancel')).toBe(false);
    await connector.closeSession('cancel');
  });

  it('honours the run signal: abort kills the query on the server', async () => {
    await connector.openSession('abort');
    const thread = await threadOf(connector, 'abort');
    const controller = new AbortController();
    const pending = failureOf(collect(run(connector, 'abort', 'SELECT SLEEP(60)', { signal: controller.signal })));
    await waitUntil(async () => (await runningOn(thread)) === 1, 5_000);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'QUERY_CANCELLED' });
    await waitUntil(async () => (await runningOn(thread)) === 0, 1_000);
    expect((await collect(run(connector, 'abort', 'SELECT 5')))[0].rows).toEqual([[5]]);
    await connector.closeSession('abort');
  });

  it('cancels a run paused between batches and leaves the session usable', async () => {
    await connector.openSession('paused');
    const sql = isMariaDb ? 'SELECT seq FROM seq_1_to_1000000' : `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100000) SELECT n FROM g`;
    const iterator = run(connector, 'paused', sql, { batchSize: 10 })[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as RowBatch).rows).toHaveLength(10);
    expect(await connector.cancel('paused')).toBe(true);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect((await collect(run(connector, 'paused', 'SELECT 6')))[0].rows).toEqual([[6]]);
    await connector.closeSession('paused');
  });

  it('answers SESSION_BUSY while a run is in progress and SESSION_NOT_FOUND for an unknown session', async () => {
    await connector.openSession('busy');
    const iterator = run(connector, 'busy', `SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3`, { batchSize: 1 })[Symbol.asyncIterator]();
    await iterator.next();
    await expect(collect(run(connector, 'busy', 'SELECT 1'))).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    await iterator.return?.(undefined);
    await expect(collect(run(connector, 'nope', 'SELECT 1'))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await connector.closeSession('busy');
  });

  it('reports DB_CONN_LOST when the session connection is killed, and the next run is on a new connection', async () => {
    await connector.openSession('lost');
    const thread = await threadOf(connector, 'lost');
    const pending = failureOf(collect(run(connector, 'lost', 'SELECT SLEEP(30)')));
    await waitUntil(async () => (await runningOn(thread)) === 1, 5_000);
    const admin = await adminConnection(db.url!);
    await admin.query(`KILL CONNECTION ${thread}`);
    await admin.end();
    expect(await pending).toMatchObject({ code: 'DB_CONN_LOST', details: { sessionStateLost: true } });
    const [first] = await collect(run(connector, 'lost', 'SELECT CONNECTION_ID()'));
    expect(first).toMatchObject({ sessionReconnected: true });
    expect(Number(first.rows[0][0])).not.toBe(thread);
    expect(await threadOf(connector, 'lost')).toBe(Number(first.rows[0][0]));
    await connector.closeSession('lost');
  });

  it('opens sessions outside the pool up to extra.maxSessions, refuses one more at once, and still cancels', async () => {
    const small = createMysqlConnector({ ...config, extra: { poolSize: 1, maxSessions: 2, connectTimeoutMs: 500 } });
    try {
      await small.openSession('a');
      await small.openSession('b');
      expect(small.poolStats?.()).toEqual({ total: 0, idle: 0, waiting: 0, sessions: 2 });
      const refusedAt = Date.now();
      await expect(small.openSession('c')).rejects.toMatchObject({ code: 'SESSION_LIMIT', details: { maxSessions: 2 } });
      expect(Date.now() - refusedAt).toBeLessThan(200);
      const thread = await threadOf(small, 'a');
      const pending = failureOf(collect(run(small, 'a', 'SELECT SLEEP(60)')));
      await waitUntil(async () => (await runningOn(thread)) === 1, 5_000);
      await small.cancel('a');
      expect(await pending).toMatchObject({ code: 'QUERY_CANCELLED' });
      expect((await small.tableInfo('items')).name).toBe('items');
    } finally {
      await small.close();
    }
  });

  it('releases idle pool connections after extra.idleTimeoutMs', async () => {
    const idle = createMysqlConnector({ ...config, extra: { poolSize: 3, idleTimeoutMs: 1_000 } });
    try {
      await Promise.all([idle.tableInfo('items'), idle.tableInfo('items')]);
      expect(idle.poolStats?.().total).toBeGreaterThanOrEqual(1);
      // The pool's reaper closes what stayed idle past the timeout (mysql2 checks once a second).
      await waitUntil(async () => idle.poolStats?.().total === 0, 4_000);
    } finally {
      await idle.close();
    }
  });

  it('never reads a client-side file for LOAD DATA LOCAL INFILE, and the session goes on', async () => {
    await connector.openSession('infile');
    await expect(collect(run(connector, 'infile', `LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE items`))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
    });
    expect((await collect(run(connector, 'infile', 'SELECT COUNT(*) FROM items')))[0].rows).toEqual([['0']]);
    await connector.closeSession('infile');
  });
});
