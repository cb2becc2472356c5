/**
 * The type matrix: every MySQL/MariaDB type family stored in a real table, read back through the connector — the
 * column type name (rebuilt from the column definition) and the JSON-safe, lossless cell (docs/api.md "Value encoding").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../workers/connectors/connector.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminConnection, collect, createTestDatabase, dropTestDatabase } from './mysql-fixture.js';

const db = await testDatabase('mysql');
const DB_NAME = 'dbv_conn_my_types';

const b64 = (bytes: number[]) => ({ $base64: Buffer.from(bytes).toString('base64') });

/** [column definition, inserted SQL literal, expected column type, expected cell] */
const MATRIX: [string, string, string, unknown][] = [
  ['TINYINT', '-128', 'tinyint', -128],
  ['TINYINT(1)', '1', 'tinyint(1)', 1],
  ['SMALLINT UNSIGNED', '65535', 'smallint unsigned', 65535],
  ['MEDIUMINT', '-8388608', 'mediumint', -8388608],
  ['INT', '-2147483648', 'int', -2147483648],
  ['INT UNSIGNED ZEROFILL', '42', 'int unsigned zerofill', 42],
  ['BIGINT', '-9223372036854775808', 'bigint', '-9223372036854775808'],
  ['BIGINT UNSIGNED', '18446744073709551615', 'bigint unsigned', '18446744073709551615'],
  ['DECIMAL(30,10)', '12345678901234567890.0123456789', 'decimal(30,10)', '12345678901234567890.0123456789'],
  ['DECIMAL(12,2) UNSIGNED', '12.5', 'decimal(12,2) unsigned', '12.50'],
  ['DECIMAL(5,0)', '-99999', 'decimal(5,0)', '-99999'],
  ['FLOAT', '1.5', 'float', 1.5],
  ['DOUBLE', '0.1', 'double', 0.1],
  ['BIT(1)', "b'1'", 'bit(1)', '1'],
  ['BIT(10)', "b'1000000001'", 'bit(10)', '1000000001'],
  ['BIT(64)', "b'1000000000000000000000000000000000000000000000000000000000000001'", 'bit(64)', '1000000000000000000000000000000000000000000000000000000000000001'],
  ['CHAR(4)', "'ab'", 'char(4)', 'ab'],
  ['VARCHAR(10)', "'héllo ✓ 列'", 'varchar(10)', 'héllo ✓ 列'],
  ['VARCHAR(10) CHARACTER SET latin1', "'café'", 'varchar(10)', 'café'],
  ['TINYTEXT', "'t'", 'tinytext', 't'],
  ['TEXT', "'t'", 'text', 't'],
  ['MEDIUMTEXT', "'t'", 'mediumtext', 't'],
  ['LONGTEXT', "'t'", 'longtext', 't'],
  ['BINARY(3)', "x'01'", 'binary(3)', b64([1, 0, 0])],
  ['VARBINARY(8)', "x'00ff10'", 'varbinary(8)', b64([0, 255, 16])],
  ['TINYBLOB', "x'01'", 'tinyblob', b64([1])],
  ['BLOB', "x'0203'", 'blob', b64([2, 3])],
  ['MEDIUMBLOB', "x''", 'mediumblob', b64([])],
  ['LONGBLOB', "x'ff'", 'longblob', b64([255])],
  ["ENUM('small', 'large')", "'large'", 'enum', 'large'],
  ["SET('a', 'b', 'c')", "'a,c'", 'set', 'a,c'],
  ['DATE', "'2024-01-02'", 'date', '2024-01-02'],
  ['DATETIME(6)', "'2024-01-02 03:04:05.123456'", 'datetime(6)', '2024-01-02T03:04:05.123456'],
  ['DATETIME', "'2024-01-02 03:04:05'", 'datetime', '2024-01-02T03:04:05'],
  ['TIMESTAMP(3) NULL', "'2024-01-02 03:04:05.120'", 'timestamp(3)', '2024-01-02T03:04:05.120'],
  ['TIME(6)', "'-838:59:58.999999'", 'time(6)', '-838:59:58.999999'],
  ['YEAR', '2024', 'year', 2024],
  ['DATETIME NULL', "'0000-00-00 00:00:00'", 'datetime', '0000-00-00 00:00:00'],
  ['JSON', `'{"a": [1, 2.5, null], "b": {"c": "d"}}'`, 'json', { a: [1, 2.5, null], b: { c: 'd' } }],
  ['JSON', `'"just a string"'`, 'json', 'just a string'],
  ['INT NULL', 'NULL', 'int', null],
];

describe.skipIf(db.skip)('MySQL value and type mapping', () => {
  let connector: Connector;
  let isMariaDb = false;

  beforeAll(async () => {
    const config = await createTestDatabase(db.url!, DB_NAME);
    const admin = await adminConnection(db.url!, DB_NAME);
    const columns = MATRIX.map(([definition], i) => `c${i} ${definition}`).join(', ');
    // Zero dates need a permissive sql_mode; they exist in real databases and must read back unchanged.
    await admin.query(`SET SESSION sql_mode = ''`);
    await admin.query(`CREATE TABLE matrix (${columns}, g GEOMETRY NULL, p POINT NULL) ENGINE=InnoDB`);
    await admin.query(`INSERT INTO matrix VALUES (${MATRIX.map(([, literal]) => literal).join(', ')}, ST_GeomFromText('POINT(1 2)'), NULL)`);
    const [[version]] = (await admin.query({ sql: 'SELECT VERSION()', rowsAsArray: true })) as unknown as [[string]][];
    isMariaDb = String(version).includes('MariaDB');
    await admin.end();
    connector = createMysqlConnector(config);
    await connector.openSession('types');
  });

  afterAll(async () => {
    await connector?.close();
    await dropTestDatabase(db.url!, DB_NAME);
  });

  const read = async (sql: string, params?: unknown[]) => {
    const [batch] = await collect(connector.runQuery('types', sql, { batchSize: 10, params, signal: new AbortController().signal }));
    return batch;
  };

  it.each(MATRIX.map((row, i) => [i, ...row] as const))('c%i %s → %s', async (i, _definition, _literal, type, value) => {
    const batch = await read(`SELECT c${i} FROM matrix`);
    expect(batch.columns).toEqual([{ name: `c${i}`, type, nullable: expect.any(Boolean) }]);
    expect(batch.rows).toEqual([[value]]);
    expect(JSON.parse(JSON.stringify(batch.rows))).toEqual([[value]]);
  });

  it('reads the same values through bind parameters (the binary protocol)', async () => {
    const picks = [6, 7, 8, 14, 19, 24, 32, 38];
    const batch = await read(`SELECT ${picks.map((i) => `c${i}`).join(', ')} FROM matrix WHERE ? = 1`, [1]);
    expect(batch.rows).toEqual([picks.map((i) => MATRIX[i][3])]);
  });

  it('keeps geometry as its stored bytes (SRID + WKB), not a lossy object', async () => {
    const batch = await read('SELECT g, p FROM matrix');
    expect(batch.columns.map((c) => c.type)).toEqual(['geometry', isMariaDb ? 'point' : 'geometry']);
    const bytes = Buffer.from((batch.rows[0][0] as { $base64: string }).$base64, 'base64');
    // 4-byte SRID 0, then WKB: byte order 1 (little endian), type 1 (point), x = 1.0, y = 2.0.
    expect(bytes.readUInt32LE(0)).toBe(0);
    expect(bytes.readUInt8(4)).toBe(1);
    expect(bytes.readUInt32LE(5)).toBe(1);
    expect([bytes.readDoubleLE(9), bytes.readDoubleLE(17)]).toEqual([1, 2]);
    expect(batch.rows[0][1]).toBeNull();
  });

  it('names MariaDB-only types from the extended metadata (uuid, inet6)', async () => {
    if (!isMariaDb) return;
    const batch = await read(`SELECT CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS UUID) AS u, CAST('::1' AS INET6) AS i`);
    expect(batch.columns.map((c) => c.type)).toEqual(['uuid', 'inet6']);
    expect(batch.rows).toEqual([['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '::1']]);
  });
});
