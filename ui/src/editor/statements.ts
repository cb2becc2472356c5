/**
 * Which SQL a run sends: the selection, the statement under the cursor, or the whole editor. Statements are found
 * with the bridge's own splitter (protocol/sql-split.ts), so quotes, comments and dollar-quoted bodies are respected
 * exactly as the bridge will when it runs them.
 */
import type { ConnectorType } from '../../../protocol/connections.js';
import { statementRanges } from '../../../protocol/sql-split.js';

export interface SqlSpan {
  sql: string;
  /** Offset of `sql` in the editor's document. */
  from: number;
  to: number;
}

export function splitStatements(doc: string, engine: ConnectorType | undefined): SqlSpan[] {
  return Array.from(statementRanges(doc, engine ?? 'postgres'), ({ start, end }) => ({ sql: doc.slice(start, end), from: start, to: end }));
}

/** The statement that contains the cursor, or the nearest one before it (the cursor sits after its `;`). */
export function statementAt(doc: string, cursor: number, engine: ConnectorType | undefined): SqlSpan | undefined {
  const spans = splitStatements(doc, engine);
  let best: SqlSpan | undefined;
  for (const span of spans) {
    if (span.from <= cursor) best = span;
    if (cursor <= span.to && cursor >= span.from) return span;
  }
  return best ?? spans[0];
}

/** The whole document as one run, from its first to its last non-blank character. */
export function wholeDocument(doc: string): SqlSpan | undefined {
  const from = doc.length - doc.trimStart().length;
  const to = doc.trimEnd().length;
  return to > from ? { sql: doc.slice(from, to), from, to } : undefined;
}
