import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, runAll, sqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

const DDL = `
create table items (id integer primary key, name text not null, price numeric(10,2), weight real, photo blob);
insert into items (id, name, price, weight)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < 1234) select i, 'item ' || i, i * 1.5, null from n;
create table t (a integer unique);
`;

describe('SQLite runQuery', () => {
  let fx: SqliteFixture;
  beforeEach(async () => {
    fx = sqliteFixture(DDL);
    await fx.connector.openSession('s1');
  });
  afterEach(async () => fx.cleanup());

  it('reads a result set in batches of batchSize, flagging only the last one', async () => {
    const batches = await runAll(fx.connector, 's1', 'select id, name from items order by id', { batchSize: 500 });
    expect(batches.map((b) => [b.resultSetIndex, b.rows.length, b.last])).toEqual([
      [0, 500, false],
      [0, 500, false],
      [0, 234, true],
    ]);
    expect(batches[0].columns).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false },
      { name: 'name', type: 'TEXT', nullable: false },
    ]);
    expect(batches[2].rows.at(-1)).toEqual(['1234', 'item 1234']);
  });

  it('ends an exact multiple of batchSize without an extra empty batch, and an empty result as one empty batch', async () => {
    const exact = await runAll(fx.connector, 's1', 'select id from items limit 1000', { batchSize: 500 });
    expect(exact.map((b) => [b.rows.length, b.last, b.final ?? false])).toEqual([
      [500, false, false],
      [500, true, true],
    ]);
    const empty = await runAll(fx.connector, 's1', 'select id, 1 + 1 as two from items where 0');
    expect(empty).toEqual([
      { resultSetIndex: 0, columns: [{ name: 'id', type: 'INTEGER', nullable: false }, { name: 'two', type: '' }], rows: [], last: true, final: true },
    ]);
  });

  it('runs a statement list in order, with rowsAffected for DML and DDL', async () => {
    const batches = await runAll(
      fx.connector,
      's1',
      'create table m (v int); insert into m values (1), (2), (3); update m set v = v + 10 where v > 1; select v from m order by v',
    );
    expect(batches.map((b) => [b.resultSetIndex, b.rowsAffected, b.rows, b.last])).toEqual([
      [0, 0, [], true],
      [1, 3, [], true],
      [2, 2, [], true],
      [3, undefined, [['1'], ['12'], ['13']], true],
    ]);
  });

  it('stops the list at a failing statement and says which one failed', async () => {
    const seen: number[] = [];
    const run = fx.connector.runQuery('s1', 'insert into t values (10); insert into nope values (1); insert into t values (11)', {
      batchSize: 100,
      rowFormat: 'array',
      signal: new AbortController().signal,
    });
    const err = await rejection((async () => {
      for await (const b of run) seen.push(b.resultSetIndex);
    })());
    expect(seen).toEqual([0]);
    expect(err).toMatchObject({ code: 'QUERY_FAILED', details: { statementIndex: 1, sqliteCode: 'SQLITE_ERROR' } });
    expect(err.message).toMatch(/no such table: nope/);
    // Autocommit: the statement before the failure stays, the one after never ran.
    expect((await runAll(fx.connector, 's1', 'select a from t'))[0].rows).toEqual([['10']]);
  });

  it('maps syntax errors to QUERY_SYNTAX_ERROR and constraint violations to QUERY_FAILED with the SQLite code', async () => {
    expect(await rejection(runAll(fx.connector, 's1', 'select 1; selec 2'))).toMatchObject({
      code: 'QUERY_SYNTAX_ERROR',
      details: { statementIndex: 1, sqliteCode: 'SQLITE_ERROR' },
    });
    expect(await rejection(runAll(fx.connector, 's1', 'insert into t values (1); insert into t values (1)'))).toMatchObject({
      code: 'QUERY_FAILED',
      details: { statementIndex: 1, sqliteCode: 'SQLITE_CONSTRAINT_UNIQUE' },
    });
  });

  it('returns every value JSON-safe and lossless: 64-bit integers as strings, BLOB as $base64', async () => {
    const [batch] = await runAll(
      fx.connector,
      's1',
      `select 9007199254740993 as big, -9223372036854775808 as min64, 42 as small, 1.5 as real, 1e308 * 10 as inf,
              'héllo ✓' as text, x'00ff10' as bin, null as nul`,
    );
    expect(batch.rows).toEqual([['9007199254740993', '-9223372036854775808', '42', 1.5, 'Infinity', 'héllo ✓', { $base64: 'AP8Q' }, null]]);
    expect(batch.columns.map((c) => c.type)).toEqual(['', '', '', '', '', '', '', '']);
  });

  it('binds params (booleans as 0/1, { $base64 } as BLOB) to a single statement and refuses them for a list', async () => {
    await runAll(fx.connector, 's1', 'insert into items (id, name, photo) values (?, ?, ?)', {
      params: [5000, 'with photo', { $base64: 'AP8Q' }],
    });
    const [batch] = await runAll(fx.connector, 's1', 'select photo, ? as flag from items where id = ?', { params: [true, 5000] });
    expect(batch.rows).toEqual([[{ $base64: 'AP8Q' }, '1']]);
    // A whole JSON number is stored as INTEGER, a fractional one as REAL.
    const [typed] = await runAll(fx.connector, 's1', 'select typeof(?), typeof(?)', { params: [3, 2.5] });
    expect(typed.rows).toEqual([['integer', 'real']]);
    expect(batch.columns).toEqual([{ name: 'photo', type: 'BLOB', nullable: true }, { name: 'flag', type: '' }]);
    expect(await rejection(runAll(fx.connector, 's1', 'select ?; select ?', { params: [1] }))).toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('stops iterating when the signal aborts, and the session can run again', async () => {
    const controller = new AbortController();
    const run = fx.connector.runQuery('s1', 'select id from items', { batchSize: 100, rowFormat: 'array', signal: controller.signal })[Symbol.asyncIterator]();
    expect((await run.next()).value?.rows).toHaveLength(100);
    controller.abort();
    expect(await rejection(run.next())).toMatchObject({ code: 'QUERY_CANCELLED' });
    expect((await run.next()).done).toBe(true);
    expect((await runAll(fx.connector, 's1', 'select count(*) from items'))[0].rows).toEqual([['1234']]);
  });

  it('cancel(sessionId) stops a running list and reports whether something was running', async () => {
    expect(await fx.connector.cancel('s1')).toBe(false);
    const run = fx.connector.runQuery('s1', 'select id from items', { batchSize: 100, rowFormat: 'array', signal: new AbortController().signal })[
      Symbol.asyncIterator
    ]();
    await run.next();
    expect(await fx.connector.cancel('s1')).toBe(true);
    expect(await rejection(run.next())).toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(await fx.connector.cancel('s1')).toBe(false);
  });

  it('keeps a transaction open across runs of one session, invisible to another session until COMMIT', async () => {
    await fx.connector.openSession('s2');
    await runAll(fx.connector, 's1', 'begin; insert into t values (7)');
    expect((await runAll(fx.connector, 's2', 'select count(*) from t'))[0].rows).toEqual([['0']]);
    expect((await runAll(fx.connector, 's1', 'select count(*) from t'))[0].rows).toEqual([['1']]);
    await runAll(fx.connector, 's1', 'commit');
    expect((await runAll(fx.connector, 's2', 'select count(*) from t'))[0].rows).toEqual([['1']]);
  });

  it('answers SESSION_BUSY while a run holds the session, SESSION_NOT_FOUND for an unknown one', async () => {
    const run = fx.connector.runQuery('s1', 'select id from items', { batchSize: 10, rowFormat: 'array', signal: new AbortController().signal })[
      Symbol.asyncIterator
    ]();
    await run.next();
    expect(await rejection(runAll(fx.connector, 's1', 'select 1'))).toMatchObject({ code: 'SESSION_BUSY' });
    await run.return?.(undefined);
    expect((await runAll(fx.connector, 's1', 'select 1'))[0].rows).toEqual([['1']]);
    expect(await rejection(runAll(fx.connector, 'nope', 'select 1'))).toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('closeSession during a paused run closes the handle when the run ends', async () => {
    const run = fx.connector.runQuery('s1', 'select id from items', { batchSize: 10, rowFormat: 'array', signal: new AbortController().signal })[
      Symbol.asyncIterator
    ]();
    await run.next();
    await fx.connector.closeSession('s1');
    expect(await rejection(run.next())).toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(await rejection(runAll(fx.connector, 's1', 'select 1'))).toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });
});
