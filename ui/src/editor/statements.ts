/**
 * Which SQL a run sends: the selection, the statement under the cursor, or the whole editor. Statements are found
 * with dbgate-query-splitter (the same splitter the bridge uses), so quotes, comments and dollar-quoted bodies are
 * respected.
 */
import { mysqlSplitterOptions, postgreSplitterOptions, splitQuery, sqliteSplitterOptions } from 'dbgate-query-splitter';
import type { ConnectorType } from '../../../protocol/connections.js';

export interface SqlSpan {
  sql: string;
  /** Offset of `sql` in the editor's document. */
  from: number;
  to: number;
}

const OPTIONS = { postgres: postgreSplitterOptions, mysql: mysqlSplitterOptions, sqlite: sqliteSplitterOptions };

export function splitStatements(doc: string, engine: ConnectorType | undefined): SqlSpan[] {
  const base = OPTIONS[engine as keyof typeof OPTIONS] ?? postgreSplitterOptions;
  const items = splitQuery(doc, { ...base, returnRichInfo: true });
  const spans: SqlSpan[] = [];
  for (const item of items) {
    if (typeof item === 'string') continue;
    const from = item.trimStart?.position ?? item.start.position;
    const to = item.trimEnd?.position ?? item.end.position;
    const sql = doc.slice(from, to);
    if (sql.trim()) spans.push({ sql, from, to });
  }
  return spans;
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
