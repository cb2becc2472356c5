import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../../../workers/connectors/sqlite/sqlite-connector.js';
import { rejection, runAll, sqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

const connectorFor = (database: string, readOnly?: boolean) =>
  createSqliteConnector({ name: 'x', type: 'sqlite', database, extra: readOnly === undefined ? {} : { readOnly } });

describe('SQLite connection', () => {
  let fx: SqliteFixture;
  afterEach(async () => fx.cleanup());

  it('testConnection reports the SQLite version and latency', async () => {
    fx = sqliteFixture('create table a (x)');
    const result = await fx.connector.testConnection();
    expect(result).toEqual({ ok: true, serverVersion: expect.stringMatching(/^3\.\d+\.\d+$/), latencyMs: expect.any(Number) });
  });

  it('a missing file (or directory) is DB_NOT_FOUND everywhere, and no file is created', async () => {
    fx = sqliteFixture('');
    for (const path of [join(fx.dir, 'missing.db'), join(fx.dir, 'no-dir', 'missing.db')]) {
      const connector = connectorFor(path);
      expect(await rejection(connector.testConnection())).toMatchObject({ code: 'DB_NOT_FOUND', details: { path } });
      expect(await rejection(connector.openSession('s'))).toMatchObject({ code: 'DB_NOT_FOUND' });
      expect(await rejection(connector.getMetadata())).toMatchObject({ code: 'DB_NOT_FOUND' });
      expect(existsSync(path)).toBe(false);
      await connector.close();
    }
  });

  it('opens sessions up to extra.maxSessions, answers SESSION_LIMIT past it, and a closed session frees its slot', async () => {
    fx = sqliteFixture('create table a (x)');
    const limited = createSqliteConnector({ name: 'x', type: 'sqlite', database: fx.path, extra: { maxSessions: 2 } });
    try {
      await limited.openSession('s1');
      await limited.openSession('s2');
      expect(await rejection(limited.openSession('s3'))).toMatchObject({ code: 'SESSION_LIMIT', details: { maxSessions: 2 } });
      await limited.closeSession('s1');
      await limited.openSession('s3');
      expect(await runAll(limited, 's3', 'select 1')).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('a file that is not a database fails testConnection with SQLITE_NOTADB', async () => {
    fx = sqliteFixture('');
    const path = join(fx.dir, 'text.db');
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    expect(await rejection(connectorFor(path).testConnection())).toMatchObject({
      code: 'QUERY_FAILED',
      details: { sqliteCode: 'SQLITE_NOTADB' },
    });
  });

  it('a missing database path is INVALID_PARAMS', async () => {
    fx = sqliteFixture('');
    const connector = createSqliteConnector({ name: 'x', type: 'sqlite' });
    expect(await rejection(connector.testConnection())).toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('extra.readOnly opens the file read-only: reads work, writes fail with SQLITE_READONLY', async () => {
    fx = sqliteFixture('create table a (x); insert into a values (1)');
    const connector = connectorFor(fx.path, true);
    await connector.openSession('s');
    expect((await runAll(connector, 's', 'select x from a'))[0].rows).toEqual([['1']]);
    expect(await rejection(runAll(connector, 's', 'insert into a values (2)'))).toMatchObject({
      code: 'QUERY_FAILED',
      details: { statementIndex: 0, sqliteCode: 'SQLITE_READONLY' },
    });
    await connector.close();
  });

  it(':memory: gives each session its own private database', async () => {
    fx = sqliteFixture('');
    const connector = connectorFor(':memory:');
    await connector.openSession('a');
    await connector.openSession('b');
    await runAll(connector, 'a', 'create table only_in_a (x)');
    expect(await rejection(runAll(connector, 'b', 'select * from only_in_a'))).toMatchObject({ code: 'QUERY_FAILED' });
    expect(connector.poolStats?.()).toEqual({ total: 2, idle: 2, waiting: 0 });
    await connector.close();
    expect(connector.poolStats?.()).toEqual({ total: 0, idle: 0, waiting: 0 });
  });
});
