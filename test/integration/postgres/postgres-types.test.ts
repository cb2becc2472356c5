/**
 * The type matrix: every PostgreSQL type family through the real driver and the connector's conversions —
 * the column type name (format_type) and the JSON-safe, lossless cell (docs/api.md "Value encoding").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../workers/connectors/connector.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { collect } from './pg-fixture.js';

const db = await testDatabase('postgres');

const b64 = (bytes: number[]) => ({ $base64: Buffer.from(bytes).toString('base64') });

/** [SQL expression, expected column type, expected cell] */
const MATRIX: [string, string, unknown][] = [
  // integers and exact numerics: 64-bit and numeric as strings
  [`32767::int2`, 'int2', 32767],
  [`(-2147483648)::int4`, 'int4', -2147483648],
  [`9223372036854775807::int8`, 'int8', '9223372036854775807'],
  [`123456789012345678901234567890.123456789::numeric(40,9)`, 'numeric(40,9)', '123456789012345678901234567890.123456789'],
  [`'NaN'::numeric`, 'numeric', 'NaN'],
  [`12.5::numeric(12,2)`, 'numeric(12,2)', '12.50'],
  [`'1234.56'::money`, 'money', '$1,234.56'],
  [`4294967295::oid`, 'oid', 4294967295],
  // floats: exact round-trip numbers; NaN and infinities as strings
  [`1.1::float8`, 'float8', 1.1],
  [`0.1::float4`, 'float4', 0.1],
  [`'NaN'::float8`, 'float8', 'NaN'],
  [`'Infinity'::float8`, 'float8', 'Infinity'],
  [`'-Infinity'::float4`, 'float4', '-Infinity'],
  // booleans
  [`true`, 'bool', true],
  [`false`, 'bool', false],
  // strings
  [`'héllo wörld ✓'::text`, 'text', 'héllo wörld ✓'],
  [`'ab'::varchar(10)`, 'varchar(10)', 'ab'],
  [`'ab'::char(4)`, 'bpchar(4)', 'ab  '],
  [`'x'::"char"`, 'char', 'x'],
  [`'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid`, 'uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  // binary
  [`'\\x00ff10'::bytea`, 'bytea', b64([0, 255, 16])],
  [`''::bytea`, 'bytea', b64([])],
  // date and time: ISO-8601 text, microseconds kept
  [`'2024-01-02'::date`, 'date', '2024-01-02'],
  [`'2024-01-02 03:04:05.123456'::timestamp`, 'timestamp', '2024-01-02T03:04:05.123456'],
  [`'2024-01-02 03:04:05.123456+00'::timestamptz`, 'timestamptz', '2024-01-02T03:04:05.123456+00:00'],
  [`'2024-01-02 03:04:05'::timestamp(0)`, 'timestamp(0)', '2024-01-02T03:04:05'],
  [`'infinity'::timestamptz`, 'timestamptz', 'infinity'],
  [`'0044-03-15 12:00:00 BC'::timestamp`, 'timestamp', '0044-03-15 12:00:00 BC'],
  [`'03:04:05.000001'::time`, 'time', '03:04:05.000001'],
  [`'03:04:05+02'::timetz`, 'timetz', '03:04:05+02:00'],
  [`'1 day 02:03:04.5'::interval`, 'interval', '1 day 02:03:04.5'],
  // JSON as JSON values
  [`'{"a": [1, 2.5, null], "b": {"c": "d"}}'::jsonb`, 'jsonb', { a: [1, 2.5, null], b: { c: 'd' } }],
  [`'[1, "x", true]'::json`, 'json', [1, 'x', true]],
  [`'"just a string"'::jsonb`, 'jsonb', 'just a string'],
  [`'null'::json`, 'json', null],
  // arrays as arrays, elements converted like their scalar type
  [`ARRAY[1, 2, NULL]::int4[]`, 'int4[]', [1, 2, null]],
  [`ARRAY['a,b', 'q"x', 'NULL', NULL, 'back\\slash', '']::text[]`, 'text[]', ['a,b', 'q"x', 'NULL', null, 'back\\slash', '']],
  [`ARRAY[[1, 2], [3, 4]]::int8[]`, 'int8[]', [['1', '2'], ['3', '4']]],
  [`ARRAY[1.50, 2]::numeric(5,2)[]`, 'numeric(5,2)[]', ['1.50', '2.00']],
  [`ARRAY[true, false]`, 'bool[]', [true, false]],
  [`ARRAY['2024-01-02 03:04:05.5+00'::timestamptz]`, 'timestamptz[]', ['2024-01-02T03:04:05.5+00:00']],
  [`ARRAY['{"k": 1}'::jsonb]`, 'jsonb[]', [{ k: 1 }]],
  [`ARRAY['\\x0102'::bytea]`, 'bytea[]', [b64([1, 2])]],
  [`'{}'::int4[]`, 'int4[]', []],
  [`ARRAY['((1,2),(0,0))'::box, '((3,3),(2,2))'::box]`, 'box[]', ['(1,2),(0,0)', '(3,3),(2,2)']],
  // everything else keeps the server's exact text
  [`'192.168.0.1/24'::inet`, 'inet', '192.168.0.1/24'],
  [`'10.0.0.0/8'::cidr`, 'cidr', '10.0.0.0/8'],
  [`'08:00:2b:01:02:03'::macaddr`, 'macaddr', '08:00:2b:01:02:03'],
  [`'(1.5,2)'::point`, 'point', '(1.5,2)'],
  [`'[1,10)'::int4range`, 'int4range', '[1,10)'],
  [`'a fat cat'::tsvector`, 'tsvector', "'a' 'cat' 'fat'"],
  [`B'1010'::bit(4)`, 'bit(4)', '1010'],
  [`B'101'::varbit`, 'varbit', '101'],
  [`'<a>x</a>'::xml`, 'xml', '<a>x</a>'],
  [`NULL::int4`, 'int4', null],
  [`NULL::text[]`, 'text[]', null],
];

describe.skipIf(db.skip)('PostgreSQL value and type mapping', () => {
  let connector: Connector;

  beforeAll(async () => {
    connector = createPostgresConnector(configFromUrl(db.url!));
    await connector.openSession('types');
  });

  afterAll(async () => {
    await connector?.close();
  });

  it.each(MATRIX)('%s → %s', async (expr, type, value) => {
    const [batch] = await collect(connector.runQuery('types', `SELECT ${expr} AS v`, { batchSize: 10, signal: new AbortController().signal }));
    expect(batch.columns).toEqual([{ name: 'v', type }]);
    expect(batch.rows).toEqual([[value]]);
    // What the worker will send must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(batch.rows))).toEqual([[value]]);
  });

  it('keeps the session time zone in timestamptz offsets, in ISO form', async () => {
    const batches = await collect(
      connector.runQuery('types', `SET TIME ZONE 'Asia/Kolkata'; SELECT '2024-01-02 00:00:00.5+00'::timestamptz; RESET TIME ZONE`, {
        batchSize: 10,
        signal: new AbortController().signal,
      }),
    );
    expect(batches[1].rows).toEqual([['2024-01-02T05:30:00.5+05:30']]);
  });

  it('names user-defined enums, composites and domains (domains arrive as their base type)', async () => {
    const sql = `CREATE TYPE pg_temp.mood AS ENUM ('happy', 'sad');
      CREATE TYPE pg_temp.pair AS (a int, b text);
      CREATE DOMAIN pg_temp.positive AS int8 CHECK (VALUE > 0);
      SELECT 'happy'::pg_temp.mood AS m, ROW(1, 'x')::pg_temp.pair AS p, 5::pg_temp.positive AS d, ARRAY['sad']::pg_temp.mood[] AS ms`;
    const batches = await collect(connector.runQuery('types', sql, { batchSize: 10, signal: new AbortController().signal }));
    const last = batches[batches.length - 1];
    expect(last.columns.map((c) => c.name)).toEqual(['m', 'p', 'd', 'ms']);
    expect(last.columns[0].type).toMatch(/mood$/);
    expect(last.columns[1].type).toMatch(/pair$/);
    expect(last.columns[2].type).toBe('int8');
    expect(last.rows).toEqual([['happy', '(1,x)', '5', ['sad']]]);
  });
});
