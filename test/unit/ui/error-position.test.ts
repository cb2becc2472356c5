/**
 * Where the editor marks a failed run's error (ui/src/editor/error-position.ts): the server's position counts from
 * the start of the failing statement, which the bridge places with details.statementOffset (or statementIndex).
 */
import { describe, expect, it } from 'vitest';
import { errorOffsetInEditor } from '../../../ui/src/editor/error-position.js';

describe('the error mark position', () => {
  // The editor holds a comment line, then the script run with "Run all" (it starts at offset 16).
  const doc = '-- my script\n\n  select 1;\nselect * from missing_table;\nselect 3';
  const sql = doc.slice(doc.indexOf('select'));
  const place = { sql, sqlOffset: doc.indexOf('select'), dialect: 'postgres' as const };

  it('places an error in a later statement inside that statement', () => {
    // PostgreSQL: relation "missing_table" does not exist, position 15 of "select * from missing_table".
    const details = { sqlState: '42P01', statementIndex: 1, statementOffset: sql.indexOf('select *'), position: 15 };
    const offset = errorOffsetInEditor(details, place)!;
    expect(doc.slice(offset, offset + 'missing_table'.length)).toBe('missing_table');
  });

  it('finds the statement with the splitter when only statementIndex is given', () => {
    const offset = errorOffsetInEditor({ statementIndex: 1, position: 15 }, place)!;
    expect(doc.slice(offset, offset + 'missing_table'.length)).toBe('missing_table');
  });

  it('counts from the text sent for a single statement, and gives nothing without a position', () => {
    const single = { sql: 'selec 1', sqlOffset: 5, dialect: 'postgres' as const };
    expect(errorOffsetInEditor({ position: 1 }, single)).toBe(5);
    expect(errorOffsetInEditor({ sqlState: '42P01' }, single)).toBeUndefined();
    expect(errorOffsetInEditor(undefined, single)).toBeUndefined();
  });
});
