/** PostgreSQL text → JSON-safe cell conversions that do not need a server: array literals, ISO timestamps, bytea. */
import { describe, expect, it } from 'vitest';
import {
  byteaToBase64,
  converterFor,
  parseArrayLiteral,
  timestampToIso,
  timetzToIso,
} from '../../../workers/connectors/postgres/postgres-values.js';

const text = (v: string) => v;

describe('timestampToIso', () => {
  it.each([
    ['2024-01-02 03:04:05', '2024-01-02T03:04:05'],
    ['2024-01-02 03:04:05.123456', '2024-01-02T03:04:05.123456'],
    ['2024-01-02 03:04:05.123456+00', '2024-01-02T03:04:05.123456+00:00'],
    ['2024-01-02 03:04:05-08', '2024-01-02T03:04:05-08:00'],
    ['2024-01-02 03:04:05+05:30', '2024-01-02T03:04:05+05:30'],
    ['1890-01-01 00:00:00+00:53:28', '1890-01-01T00:00:00+00:53:28'],
    ['12024-01-02 03:04:05', '12024-01-02T03:04:05'],
  ])('%s → %s', (input, output) => expect(timestampToIso(input)).toBe(output));

  it.each(['infinity', '-infinity', '0044-03-15 12:00:00 BC', '01/02/2024 03:04:05'])('leaves %s as the server wrote it', (input) => {
    expect(timestampToIso(input)).toBe(input);
  });
});

describe('timetzToIso', () => {
  it('writes whole-hour offsets as ±hh:mm', () => {
    expect(timetzToIso('03:04:05.5+02')).toBe('03:04:05.5+02:00');
    expect(timetzToIso('03:04:05-09:30')).toBe('03:04:05-09:30');
  });
});

describe('byteaToBase64', () => {
  it('decodes hex output', () => expect(byteaToBase64('\\x00ff10')).toEqual({ $base64: Buffer.from([0, 255, 16]).toString('base64') }));
  it('decodes the older escape output', () => {
    expect(byteaToBase64('a\\000\\\\b\\377')).toEqual({ $base64: Buffer.from([97, 0, 92, 98, 255]).toString('base64') });
  });
});

describe('parseArrayLiteral', () => {
  it('parses flat, quoted, escaped and NULL elements', () => {
    expect(parseArrayLiteral('{a,"b,c","d\\"e","f\\\\g",NULL,"NULL",""}', ',', text)).toEqual(['a', 'b,c', 'd"e', 'f\\g', null, 'NULL', '']);
  });
  it('parses nested dimensions and empty arrays', () => {
    expect(parseArrayLiteral('{{1,2},{3,4}}', ',', Number)).toEqual([[1, 2], [3, 4]]);
    expect(parseArrayLiteral('{}', ',', text)).toEqual([]);
  });
  it('uses the element type delimiter (box uses ;)', () => {
    expect(parseArrayLiteral('{(1,2),(0,0);(3,3),(2,2)}', ';', text)).toEqual(['(1,2),(0,0)', '(3,3),(2,2)']);
  });
  it('returns literals with explicit bounds or vectors unchanged', () => {
    expect(parseArrayLiteral('[0:1]={1,2}', ',', text)).toBe('[0:1]={1,2}');
    expect(parseArrayLiteral('1 2 3', ',', text)).toBe('1 2 3');
  });
});

describe('converterFor', () => {
  it('keeps int8 and numeric as exact strings and converts int4, bool and json', () => {
    expect(converterFor({ oid: 20, category: 'N', element: null })('9223372036854775807')).toBe('9223372036854775807');
    expect(converterFor({ oid: 1700, category: 'N', element: null })('0.10')).toBe('0.10');
    expect(converterFor({ oid: 23, category: 'N', element: null })('-7')).toBe(-7);
    expect(converterFor({ oid: 16, category: 'B', element: null })('f')).toBe(false);
    expect(converterFor({ oid: 3802, category: 'U', element: null })('{"a":1}')).toEqual({ a: 1 });
  });
  it('converts array elements by the element type', () => {
    const int8Array = converterFor({ oid: 1016, category: 'A', element: { oid: 20, category: 'N', delimiter: ',' } });
    expect(int8Array('{1,NULL,9223372036854775807}')).toEqual(['1', null, '9223372036854775807']);
    const tsArray = converterFor({ oid: 1185, category: 'A', element: { oid: 1184, category: 'D', delimiter: ',' } });
    expect(tsArray('{"2024-01-02 03:04:05+00"}')).toEqual(['2024-01-02T03:04:05+00:00']);
  });
});
