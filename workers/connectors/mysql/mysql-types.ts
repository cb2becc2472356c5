/**
 * MySQL/MariaDB result columns: type names rebuilt from the column definition packet, and the last conversions of
 * values to JSON-safe, lossless cells (docs/api.md "Value encoding").
 *
 * The driver is configured (mysql-config.ts) to hand over BIGINT and DECIMAL as strings and dates as the server's
 * text; here DATETIME/TIMESTAMP get ISO-8601's 'T', and BIT(n) becomes a string of n binary digits ('101'), like
 * PostgreSQL prints bit(n): lossless at any width and readable, where a number would break past 53 bits and
 * base64 would hide a flag. JSON (MySQL's type, and MariaDB's alias announced in the extended metadata) arrives
 * parsed; binary strings and BLOBs arrive as Buffers and become `{ $base64 }` in rowToJsonSafe.
 *
 * Type names follow MySQL 8's COLUMN_TYPE spelling: no integer display widths except `tinyint(1)`,
 * `varchar(255)` in characters (the packet gives bytes), `decimal(12,2)`, `bigint unsigned`, `datetime(6)`.
 */
import mysql from 'mysql2';
import type { ColumnMeta } from '../../../protocol/index.js';

/** The fields mysql2 exposes on a column definition (see mysql2/lib/packets/column_definition.js). */
export interface MysqlField {
  name: string;
  columnType: number;
  columnLength: number;
  flags: number;
  decimals: number;
  characterSet: number;
  extendedTypeName?: string;
  extendedFormat?: string;
}

const T = mysql.Types as unknown as Record<string, number>;
const FLAG = { NOT_NULL: 1, UNSIGNED: 32, ZEROFILL: 64, ENUM: 256, SET: 2048 } as const;
const BINARY_CHARSET = 63;

/** Bytes per character of each collation id: the packet's column length is in bytes. */
const MAX_BYTES_PER_CHAR = new Map<number, number>();
for (const [collation, id] of Object.entries(mysql.Charsets as unknown as Record<string, number>)) {
  const charset = collation.split('_')[0].toLowerCase();
  let bytes = 1;
  if (charset === 'utf8mb4' || charset === 'utf16' || charset === 'utf16le' || charset === 'utf32' || charset === 'gb18030') bytes = 4;
  else if (charset === 'utf8' || charset === 'utf8mb3' || charset === 'ujis' || charset === 'eucjpms') bytes = 3;
  else if (['ucs2', 'big5', 'sjis', 'gbk', 'gb2312', 'euckr', 'cp932'].includes(charset)) bytes = 2;
  MAX_BYTES_PER_CHAR.set(id, bytes);
}

function chars(field: MysqlField): number {
  const perChar = MAX_BYTES_PER_CHAR.get(field.characterSet) ?? (field.characterSet >= 224 ? 4 : 1);
  return Math.floor(field.columnLength / perChar);
}

function lobName(field: MysqlField): string {
  const binary = field.characterSet === BINARY_CHARSET;
  const size = binary ? field.columnLength : chars(field);
  const prefix = size <= 255 ? 'tiny' : size <= 65_535 ? '' : size <= 16_777_215 ? 'medium' : 'long';
  return prefix + (binary ? 'blob' : 'text');
}

function numericSuffix(field: MysqlField): string {
  return (field.flags & FLAG.UNSIGNED ? ' unsigned' : '') + (field.flags & FLAG.ZEROFILL ? ' zerofill' : '');
}

function fractional(base: string, field: MysqlField): string {
  // 31 (0x1f) is "not fixed" in the packet, e.g. for expressions.
  return field.decimals > 0 && field.decimals <= 6 ? `${base}(${field.decimals})` : base;
}

export function mysqlTypeName(field: MysqlField): string {
  if (field.extendedFormat === 'json') return 'json';
  if (field.extendedTypeName) return field.extendedTypeName;
  const binary = field.characterSet === BINARY_CHARSET;
  switch (field.columnType) {
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const unsigned = (field.flags & FLAG.UNSIGNED) !== 0;
      const precision = field.columnLength - (field.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return `decimal(${precision},${field.decimals})${numericSuffix(field)}`;
    }
    case T.TINY:
      return (field.columnLength === 1 ? 'tinyint(1)' : 'tinyint') + numericSuffix(field);
    case T.SHORT:
      return 'smallint' + numericSuffix(field);
    case T.INT24:
      return 'mediumint' + numericSuffix(field);
    case T.LONG:
      return 'int' + numericSuffix(field);
    case T.LONGLONG:
      return 'bigint' + numericSuffix(field);
    case T.FLOAT:
      return 'float' + numericSuffix(field);
    case T.DOUBLE:
      return 'double' + numericSuffix(field);
    case T.NULL:
      return 'null';
    case T.TIMESTAMP:
      return fractional('timestamp', field);
    case T.DATETIME:
      return fractional('datetime', field);
    case T.TIME:
      return fractional('time', field);
    case T.DATE:
    case T.NEWDATE:
      return 'date';
    case T.YEAR:
      return 'year';
    case T.BIT:
      return `bit(${field.columnLength})`;
    case T.JSON:
      return 'json';
    case T.GEOMETRY:
      return 'geometry';
    case T.VECTOR:
      return 'vector';
    case T.ENUM:
      return 'enum';
    case T.SET:
      return 'set';
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
      return lobName(field);
    case T.STRING:
      if (field.flags & FLAG.ENUM) return 'enum';
      if (field.flags & FLAG.SET) return 'set';
      return binary ? `binary(${field.columnLength})` : `char(${chars(field)})`;
    case T.VAR_STRING:
    case T.VARCHAR:
      return binary ? `varbinary(${field.columnLength})` : `varchar(${chars(field)})`;
    default:
      return `type ${field.columnType}`;
  }
}

export function mysqlColumns(fields: readonly MysqlField[]): ColumnMeta[] {
  return fields.map((f) => ({ name: f.name, type: mysqlTypeName(f), nullable: (f.flags & FLAG.NOT_NULL) === 0 }));
}

export type MysqlCellConverter = ((value: unknown) => unknown) | null;

// '2024-01-02 03:04:05.123456' → '2024-01-02T03:04:05.123456'; zero dates ('0000-00-00 00:00:00') stay as the server
// printed them, because they are not valid ISO-8601 and any replacement would lose what was stored.
function datetimeToIso(value: unknown): unknown {
  return typeof value === 'string' && value.length >= 19 && value[10] === ' ' && !value.startsWith('0000-00-00')
    ? `${value.slice(0, 10)}T${value.slice(11)}`
    : value;
}

/** BIT(n) arrives as a big-endian Buffer; shown as exactly n binary digits. */
export function bitsToString(value: unknown, width: number): unknown {
  if (!(value instanceof Uint8Array)) return value;
  let bits = '';
  for (const byte of value) bits += byte.toString(2).padStart(8, '0');
  return bits.slice(Math.max(0, bits.length - width)).padStart(width, '0');
}

/** Per-column conversions still needed after the driver; null where the driver's value is already final. */
export function mysqlConverters(fields: readonly MysqlField[]): MysqlCellConverter[] {
  return fields.map((f) => {
    if (f.extendedFormat === 'json') return null;
    if (f.columnType === T.DATETIME || f.columnType === T.TIMESTAMP) return datetimeToIso;
    if (f.columnType === T.BIT) return (value) => bitsToString(value, f.columnLength);
    return null;
  });
}

/**
 * mysql2 typeCast: GEOMETRY as its raw bytes (MySQL's internal SRID + WKB) instead of mysql2's lossy {x, y} objects.
 * Everything else takes the driver's path configured by the pool options.
 */
export function mysqlTypeCast(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
  if (field.type === 'GEOMETRY') return field.buffer();
  return next();
}
