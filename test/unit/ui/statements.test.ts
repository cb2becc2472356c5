/** Which SQL the editor's run commands send: the statement under the cursor, found with the bridge's splitter. */
import { describe, expect, it } from 'vitest';
import { splitStatements, statementAt, wholeDocument } from '../../../ui/src/editor/statements.js';

describe('the statement under the cursor', () => {
  const doc = "select 1;\nselect ';' as semi from t;\n\n  select 3";

  it('splits on semicolons outside quotes and gives document offsets', () => {
    const spans = splitStatements(doc, 'postgres');
    expect(spans.map((s) => s.sql)).toEqual(['select 1', "select ';' as semi from t", 'select 3']);
    for (const span of spans) expect(doc.slice(span.from, span.to)).toBe(span.sql);
  });

  it('picks the statement containing the cursor, or the one just before it', () => {
    expect(statementAt(doc, 3, 'postgres')?.sql).toBe('select 1');
    expect(statementAt(doc, doc.indexOf('semi'), 'postgres')?.sql).toBe("select ';' as semi from t");
    // On the blank line after the second statement's semicolon.
    expect(statementAt(doc, doc.indexOf('\n\n') + 1, 'postgres')?.sql).toBe("select ';' as semi from t");
    expect(statementAt(doc, doc.length, 'postgres')?.sql).toBe('select 3');
  });

  it('keeps a dollar-quoted PostgreSQL body whole', () => {
    const fn = 'create function f() returns int as $$ select 1; $$ language sql;\nselect f()';
    expect(splitStatements(fn, 'postgres').map((s) => s.sql)).toEqual(['create function f() returns int as $$ select 1; $$ language sql', 'select f()']);
  });

  it('runs the whole document from its first to its last non-blank character', () => {
    expect(wholeDocument('  \nselect 1;\nselect 2\n ')).toEqual({ sql: 'select 1;\nselect 2', from: 3, to: 21 });
    expect(wholeDocument('   ')).toBeUndefined();
  });
});
