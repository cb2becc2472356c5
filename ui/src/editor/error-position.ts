/**
 * Where in the editor a failed run's error points. The bridge runs a script one statement at a time, so a server's
 * `details.position` (1-based, PostgreSQL) counts from the start of the failing statement, not of the text sent;
 * `details.statementOffset` says where that statement starts in the text sent (docs/api.md, "query.error"). A bridge
 * that gives only `statementIndex` is placed with the same splitter the bridge uses (protocol/sql-split.ts).
 */
import { statementRanges, type SqlDialect } from '../../../protocol/sql-split.js';

export interface ErrorPlace {
  /** The text that was sent. */
  sql: string;
  /** Where `sql` starts in the editor's document. */
  sqlOffset: number;
  dialect: SqlDialect;
}

/** The document offset the error points at, or undefined when it carries no position. */
export function errorOffsetInEditor(details: Record<string, unknown> | undefined, place: ErrorPlace): number | undefined {
  const position = details?.position;
  if (typeof position !== 'number' || !Number.isFinite(position) || position < 1) return undefined;
  return place.sqlOffset + statementStart(details!, place) + position - 1;
}

function statementStart(details: Record<string, unknown>, place: ErrorPlace): number {
  if (typeof details.statementOffset === 'number') return details.statementOffset;
  if (typeof details.statementIndex !== 'number') return 0;
  let index = 0;
  for (const range of statementRanges(place.sql, place.dialect)) {
    if (index++ === details.statementIndex) return range.start;
  }
  return 0;
}
