/**
 * PostgreSQL text-format values → JSON-safe, lossless cells (docs/api.md "Value encoding").
 *
 * The connector asks node-postgres for the server's text of every value (no global pg.types parsers, so nothing
 * leaks between connections) and converts here, per column, once its type is known: this keeps microseconds and
 * 64-bit/numeric precision that a JS Date or number would lose. Assumes DateStyle ISO, which the connector sets at
 * connect time; text in any other style is passed through unchanged rather than guessed at.
 */

export type CellConverter = (text: string) => unknown;

/** What the connector knows about a result column's type (from pg_type, see postgres-types.ts). */
export interface PgTypeFacts {
  oid: number;
  /** pg_type.typcategory: 'A' array, 'B' boolean, 'D' date/time, 'N' numeric, 'S' string, 'U' user… */
  category: string;
  /** For arrays: the element type, else null. */
  element: { oid: number; category: string; delimiter: string } | null;
}

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  timestamp: 1114,
  timestamptz: 1184,
  timetz: 1266,
  jsonb: 3802,
} as const;

const identity: CellConverter = (text) => text;

// '2024-01-02 03:04:05.123456+05:30' (timestamptz) or without the offset (timestamp). BC and infinity fall through.
const TIMESTAMP = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)((?:[+-]\d{2})(?::\d{2}){0,2})?$/;
const TIMETZ = /^(\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::\d{2}){0,2})$/;

/** pg prints whole-hour offsets as '+00'; ISO-8601 wants '+00:00'. Second-precision offsets (LMT) are kept. */
function isoOffset(offset: string): string {
  return offset.length === 3 ? `${offset}:00` : offset;
}

export function timestampToIso(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (m === null) return text;
  return `${m[1]}T${m[2]}${m[3] === undefined ? '' : isoOffset(m[3])}`;
}

export function timetzToIso(text: string): string {
  const m = TIMETZ.exec(text);
  return m === null ? text : `${m[1]}${isoOffset(m[2])}`;
}

/** bytea in 'hex' output ('\x0aff') or the older 'escape' output ('a\\000\\\\'). */
export function byteaToBase64(text: string): { $base64: string } {
  if (text.startsWith('\\x')) return { $base64: Buffer.from(text.slice(2), 'hex').toString('base64') };
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \ */ && text[i + 1] === '\\') {
      bytes.push(92);
      i++;
    } else if (ch === 92 && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(ch);
    }
  }
  return { $base64: Buffer.from(bytes).toString('base64') };
}

function scalarConverter(oid: number, category: string): CellConverter {
  switch (oid) {
    case OID.bool:
      return (text) => text === 't';
    case OID.bytea:
      return byteaToBase64;
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return (text) => Number(text);
    case OID.float4:
    case OID.float8:
      // pg ≥ 12 prints the shortest text that round-trips, so Number() is exact; NaN/±Infinity become strings later.
      return (text) => Number(text);
    case OID.json:
    case OID.jsonb:
      return (text) => JSON.parse(text) as unknown;
    case OID.timestamp:
    case OID.timestamptz:
      return timestampToIso;
    case OID.timetz:
      return timetzToIso;
    default:
      // int8, numeric, money, date, time, interval, uuid, enums, ranges, geometric…: the server's text is exact.
      return category === 'B' ? (text) => text === 't' : identity;
  }
}

/**
 * Parses a pg array literal ('{1,2,NULL}', '{{"a,b",c},{d,e}}') into nested arrays, converting each element.
 * Literals with explicit bounds ('[0:1]={…}') or non-brace vectors (int2vector '1 2') are returned as text.
 */
export function parseArrayLiteral(text: string, delimiter: string, element: CellConverter): unknown {
  if (!text.startsWith('{')) return text;
  let pos = 0;
  const parseLevel = (): unknown[] => {
    const out: unknown[] = [];
    pos++; // '{'
    if (text[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      if (text[pos] === '{') {
        out.push(parseLevel());
      } else if (text[pos] === '"') {
        let value = '';
        pos++;
        while (text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          value += text[pos];
          pos++;
        }
        pos++;
        out.push(element(value));
      } else {
        const start = pos;
        while (text[pos] !== delimiter && text[pos] !== '}') pos++;
        const raw = text.slice(start, pos).trim();
        out.push(raw.toUpperCase() === 'NULL' ? null : element(raw));
      }
      if (text[pos] === delimiter) {
        pos++;
        continue;
      }
      pos++; // '}'
      return out;
    }
  };
  return parseLevel();
}

/** Builds the converter of one result column from its type facts. */
export function converterFor(facts: PgTypeFacts): CellConverter {
  if (facts.category === 'A' && facts.element !== null) {
    const { delimiter } = facts.element;
    const element = scalarConverter(facts.element.oid, facts.element.category);
    return (text) => parseArrayLiteral(text, delimiter, element);
  }
  return scalarConverter(facts.oid, facts.category);
}
