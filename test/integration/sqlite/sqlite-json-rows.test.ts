/**
 * Rows serialized by SQLite (sqlite-json-rows.ts) must be exactly what the generic path (better-sqlite3's values
 * through json-safe.ts) puts on the wire: for each query, both paths are encoded into `query.result` params by the
 * worker's encoder and compared after parsing, in both row formats. Statements that cannot be wrapped must fall back.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowBatch } from '../../../workers/connectors/connector.js';
import { openDatabase, type SqliteDatabase } from '../../../workers/connectors/sqlite/sqlite-database.js';
import { runStatements } from '../../../workers/connectors/sqlite/sqlite-run.js';
import { ResultBatchEncoder, type RowFormat } from '../../../workers/result-batch-encoder.js';
import { decodeRows } from './sqlite-fixture.js';

const TYPES = `select 9007199254740993 as big, -9223372036854775808 as min64, 42 as small, 0 as zero,
  0.1 + 0.2 as real, 1.0 as whole_real, 2.5e-300 as tiny, 1e308 * 10 as inf, -1e308 * 10 as neg_inf,
  'quote " and \\ and
newline' as text, 'héllo ✓ 😀' as unicode, char(1, 9, 31) as controls, '' as empty,
  x'00ff10' as bin, x'' as empty_bin, null as nul,
  json_object('a', 1) as json_text, json('[1,2]') as json_array_text`;

/** Each is compared on both paths; `fast` says whether SQLite can serialize it (else the run falls back). */
const QUERIES: Array<{ name: string; sql: string; params?: unknown[]; fast: boolean }> = [
  { name: 'every storage class and the edge values', sql: TYPES, fast: true },
  { name: 'duplicate, unnamed and awkward column names', sql: `select 1 as a, 2 as a, 3 as a_2, 1 + 1, 'x', 4 as "__proto__", 5 as "it's"`, fast: true },
  { name: 'a table with declared types', sql: 'select * from mixed', fast: true },
  { name: 'ORDER BY is kept', sql: 'select id, v from nums order by v desc, id', fast: true },
  { name: 'ORDER BY with LIMIT and OFFSET', sql: 'select id, v from nums order by v, id desc limit 50 offset 1000', fast: true },
  { name: 'GROUP BY with an aggregate', sql: 'select v % 7 as k, count(*), sum(id), group_concat(id) from nums group by k order by k', fast: true },
  { name: 'DISTINCT', sql: 'select distinct v % 13 from nums order by 1', fast: true },
  { name: 'a compound select with ORDER BY', sql: 'select id from nums where id < 5 union all select -id from nums where id < 5 order by 1', fast: true },
  { name: 'a window function', sql: 'select id, row_number() over (order by v desc, id) as rn from nums order by rn limit 20', fast: true },
  { name: 'its own WITH RECURSIVE', sql: 'with recursive s(g) as (select 1 union all select g + 1 from s where g < 1200) select g, g * 1.5 from s', fast: true },
  { name: 'VALUES', sql: "values (1, 'a'), (2, 'b'), (3, null)", fast: true },
  { name: 'a join', sql: 'select n.id, m.t from nums n join mixed m on m.i = n.id order by n.id', fast: true },
  { name: 'bound parameters', sql: 'select ?, ? as b, ? + 1 as c', params: [7, 'seven', 7.5], fast: true },
  { name: 'a trailing line comment', sql: 'select 1 as one -- the end', fast: true },
  { name: 'an empty result', sql: 'select id from nums where id < 0', fast: true },
  { name: 'a PRAGMA (falls back)', sql: 'pragma table_info(mixed)', fast: false },
  { name: 'EXPLAIN (falls back)', sql: 'explain select 1', fast: false },
  { name: 'RETURNING (falls back)', sql: "insert into scratch (x) values ('r') returning id, x", fast: false },
  { name: 'a table named like the wrapper (falls back)', sql: 'select * from dbv_json_rows', fast: false },
];

let dir: string;
let db: SqliteDatabase;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbv-json-rows-'));
  const path = join(dir, 'rows.db');
  const setup = new Database(path);
  setup.exec(`
    create table nums (id integer primary key, v integer);
    with recursive s(g) as (select 1 union all select g + 1 from s where g < 3000)
    insert into nums select g, (g * 7919) % 1009 from s;
    create table mixed (i integer, r real, t text, b blob, n numeric, d date);
    insert into mixed values (1, 1.25, 'one', x'01', '12.50', '2024-01-02'), (2, null, null, null, null, null),
      (3, -0.5, 'three', x'', 9223372036854775807, 'not a date');
    create table scratch (id integer primary key, x text);
    create table dbv_json_rows (z);
    insert into dbv_json_rows values ('own table');
  `);
  setup.close();
  db = openDatabase({ name: 'json rows', type: 'sqlite', database: path });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(sql: string, params: unknown[] | undefined, rowFormat: RowFormat | undefined): Promise<RowBatch[]> {
  const batches: RowBatch[] = [];
  for await (const batch of runStatements(db, sql, { batchSize: 500, params, rowFormat, signal: new AbortController().signal })) {
    batches.push(batch);
  }
  return batches;
}

/** The `query.result` params a client would parse for each batch. */
function onTheWire(batches: RowBatch[], rowFormat: RowFormat): unknown[] {
  const encoder = new ResultBatchEncoder('session', 'run', rowFormat);
  return batches.map((batch, i) => JSON.parse(encoder.encode({ ...batch, batchIndex: i, complete: batch.last })) as unknown);
}

describe('SQLite rows serialized by SQLite', () => {
  for (const { name, sql, params, fast } of QUERIES) {
    for (const rowFormat of ['array', 'object'] as const) {
      it(`${name}: ${rowFormat} rows equal the generic path's`, async () => {
        // RETURNING inserts a row per run: each path gets a fresh scratch table.
        db.exec('delete from scratch');
        const generic = await collect(sql, params, undefined);
        db.exec('delete from scratch');
        const viaSqlite = await collect(sql, params, rowFormat);
        expect(generic.every((b) => b.rowsAreJson === undefined)).toBe(true);
        expect(viaSqlite.every((b) => b.rowsAreJson === (fast ? true : undefined))).toBe(true);
        expect(viaSqlite.map((b) => b.rows.length)).toEqual(generic.map((b) => b.rows.length));
        expect(onTheWire(viaSqlite, rowFormat)).toEqual(onTheWire(generic, rowFormat));
      });
    }
  }

  it('keeps every REAL exact: 20,000 random doubles (any bit pattern, subnormals included) read through both paths', async () => {
    const bits = new DataView(new ArrayBuffer(8));
    const doubles: number[] = [5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3];
    while (doubles.length < 20_000) {
      for (let i = 0; i < 8; i++) bits.setUint8(i, Math.floor(Math.random() * 256));
      const value = bits.getFloat64(0);
      if (Number.isFinite(value) && value !== 0) doubles.push(value);
    }
    db.exec('create temp table doubles (x real)');
    const insert = db.prepare('insert into doubles values (?)');
    db.transaction(() => {
      for (const x of doubles) insert.run(x);
    })();
    const read = async (rowFormat: RowFormat | undefined): Promise<unknown[]> =>
      (await collect('select x from doubles', undefined, rowFormat)).flatMap((b) => (decodeRows(b).rows as unknown[][]).map((row) => row[0]));
    const [generic, viaSqlite] = [await read(undefined), await read('array')];
    db.exec('drop table doubles');
    expect(generic).toEqual(doubles);
    expect(viaSqlite).toEqual(doubles);
  });

  it('gives the edge values as the protocol spells them', async () => {
    const [batch] = await collect(TYPES, undefined, 'array');
    expect(batch.rowsAreJson).toBe(true);
    expect(JSON.parse((batch.rows as string[])[0])).toEqual([
      '9007199254740993',
      '-9223372036854775808',
      '42',
      '0',
      0.30000000000000004,
      1,
      2.5e-300,
      'Infinity',
      '-Infinity',
      'quote " and \\ and\nnewline',
      'héllo ✓ 😀',
      '\u0001\t\u001f',
      '',
      { $base64: 'AP8Q' },
      { $base64: '' },
      null,
      '{"a":1}',
      '[1,2]',
    ]);
  });
});
