/** MySQL result-column type names from column definitions, BIT rendering and catalog type normalisation. */
import { describe, expect, it } from 'vitest';
import { normalizeColumnType } from '../../../workers/connectors/mysql/mysql-metadata.js';
import { bitsToString, mysqlTypeName, type MysqlField } from '../../../workers/connectors/mysql/mysql-types.js';

const UTF8MB4 = 45;
const BINARY = 63;
const field = (columnType: number, more: Partial<MysqlField> = {}): MysqlField => ({
  name: 'c', columnType, columnLength: 11, flags: 0, decimals: 0, characterSet: BINARY, ...more,
});

describe('mysqlTypeName', () => {
  it.each([
    [field(246, { columnLength: 14, decimals: 2 }), 'decimal(12,2)'],
    [field(246, { columnLength: 13, decimals: 2, flags: 32 }), 'decimal(12,2) unsigned'],
    [field(246, { columnLength: 6, decimals: 0 }), 'decimal(5,0)'],
    [field(8, { columnLength: 20, flags: 32 }), 'bigint unsigned'],
    [field(1, { columnLength: 1 }), 'tinyint(1)'],
    [field(3, { flags: 32 | 64 }), 'int unsigned zerofill'],
    [field(253, { columnLength: 1020, characterSet: UTF8MB4 }), 'varchar(255)'],
    [field(253, { columnLength: 16 }), 'varbinary(16)'],
    [field(254, { columnLength: 8, characterSet: UTF8MB4 }), 'char(2)'],
    [field(254, { columnLength: 4, characterSet: UTF8MB4, flags: 256 }), 'enum'],
    [field(252, { columnLength: 262140, characterSet: UTF8MB4 }), 'text'],
    [field(252, { columnLength: 4294967295, characterSet: UTF8MB4 }), 'longtext'],
    [field(252, { columnLength: 16777215 }), 'mediumblob'],
    [field(12, { decimals: 6 }), 'datetime(6)'],
    [field(7, { decimals: 0 }), 'timestamp'],
    [field(16, { columnLength: 10 }), 'bit(10)'],
    [field(252, { characterSet: UTF8MB4, extendedFormat: 'json' }), 'json'],
    [field(254, { characterSet: UTF8MB4, extendedTypeName: 'uuid' }), 'uuid'],
  ] as const)('%o → %s', (definition, name) => expect(mysqlTypeName(definition)).toBe(name));
});

describe('bitsToString', () => {
  it('renders exactly the declared width, big-endian', () => {
    expect(bitsToString(Buffer.from([0b101]), 3)).toBe('101');
    expect(bitsToString(Buffer.from([0x02, 0x01]), 10)).toBe('1000000001');
    expect(bitsToString(Buffer.from([0]), 1)).toBe('0');
  });
});

describe('normalizeColumnType', () => {
  it.each([
    ['int(11)', 'int'],
    ['bigint(20) unsigned', 'bigint unsigned'],
    ['tinyint(1)', 'tinyint(1)'],
    ['tinyint(4)', 'tinyint'],
    ['year(4)', 'year'],
    ['decimal(12,2)', 'decimal(12,2)'],
    ['varchar(255)', 'varchar(255)'],
  ])('%s → %s', (input, output) => expect(normalizeColumnType(input)).toBe(output));
});
