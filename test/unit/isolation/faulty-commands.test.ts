import { describe, expect, it } from 'vitest';
import { parseFaultyScript } from '../../../workers/connectors/faulty/faulty-commands.js';
import { FAULTY_MODES } from '../../../workers/connectors/faulty/faulty-modes.js';

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

  it('parses the fault commands: oom, block with and without a duration, malformed, huge, noclose, segv', () => {
    expect(parseFaultyScript('oom; block; block 250; malformed; huge 3; noclose; segv')).toEqual([
      { kind: 'oom' },
      { kind: 'block', ms: null },
      { kind: 'block', ms: 250 },
      { kind: 'malformed' },
      { kind: 'huge', megabytes: 3 },
      { kind: 'noclose' },
      { kind: 'segv' },
    ]);
    expect(() => parseFaultyScript('huge')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
    expect(() => parseFaultyScript('block soon')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
  });

  it('every listed fault mode is a valid script, in at least one isolation', () => {
    for (const mode of FAULTY_MODES) {
      expect(() => parseFaultyScript(mode.sql), mode.name).not.toThrow();
      expect(mode.isolations.length, mode.name).toBeGreaterThan(0);
      expect(mode.status === 'error', mode.name).toBe(mode.code !== undefined);
    }
    // The process-only ones are exactly those that signal the whole process.
    expect(FAULTY_MODES.filter((m) => !m.isolations.includes('thread')).map((m) => m.name)).toEqual(['SIGABRT', 'SIGSEGV']);
  });

  it('answers nonsense with QUERY_SYNTAX_ERROR', () => {
    expect(() => parseFaultyScript('select 1')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
    expect(() => parseFaultyScript('rows -1')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
    expect(() => parseFaultyScript(' ; ')).toThrow(expect.objectContaining({ code: 'QUERY_SYNTAX_ERROR' }));
  });
});
