import { describe, expect, it } from 'vitest';
import { parseFaultyScript } from '../../../workers/connectors/faulty/faulty-commands.js';

describe('the faulty command language', () => {
  it('parses one command per statement', () => {
    expect(parseFaultyScript('rows 3; slow 2 10;affect 4; throw DB_TIMEOUT; hang; exit; abort; leak 5; print hi there')).toEqual([
      { kind: 'rows', count: 3, delayMs: 0 },
      { kind: 'rows', count: 2, delayMs: 10 },
      { kind: 'affect', count: 4 },
      { kind: 'throw', code: 'DB_TIMEOUT' },
      { kind: 'hang' },
      { kind: 'exit' },
      { kind: 'abort' },
      { kind: 'leak', megabytes: 5 },
      { kind: 'print', text: 'hi there' },
    ]);
  });

  it('answers nonsense with QUERY_SYNTAX_ERROR', () => {
    expect(() => parseFaultyScript('select 1')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
    expect(() => parseFaultyScript('rows -1')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
    expect(() => parseFaultyScript(' ; ')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
  });
});
