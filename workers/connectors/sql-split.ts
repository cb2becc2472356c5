/**
 * Splitting a script into the statements a driver can run one at a time (each becomes one result set).
 *
 * dbgate-query-splitter does the splitting (per-dialect quoting, pg dollar quotes, MySQL `DELIMITER`). Three things it
 * gets wrong are fixed around it, measured on 4.12:
 * - MySQL `#` comments, pg `E'…\'…'` strings and pg nested block comments are unknown to it, so a `;` inside them
 *   split the statement. A small scanner finds those regions first and disguises them as forms it knows (same
 *   length, so positions still match the original), and statements are cut from the original text by position.
 * - Its SQLite BEGIN…END mode treats `BEGIN;` (a transaction) and identifiers such as `beginning` as a block opener
 *   and then never splits again. We split SQLite plainly and glue `CREATE TRIGGER … BEGIN …; END` back together with
 *   SQLite's own rule (sqlite3_complete): a trigger ends at the first `;` that follows the keyword END. Like the
 *   sqlite3 shell, a body statement that itself ends in `CASE … END;` ends the trigger early.
 * - Comment-only pieces come back as statements; drivers reject those ("contains no statements"), so they are dropped.
 */
import {
  mysqlSplitterOptions,
  postgreSplitterOptions,
  splitQuery,
  sqliteSplitterOptions,
  type SplitterOptions,
} from 'dbgate-query-splitter';

export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

const SPLITTER_OPTIONS: Record<SqlDialect, SplitterOptions> = {
  postgres: { ...postgreSplitterOptions, returnRichInfo: true },
  mysql: { ...mysqlSplitterOptions, returnRichInfo: true },
  // SQLite also quotes identifiers as `x` and [x].
  sqlite: {
    ...sqliteSplitterOptions,
    skipSeparatorBeginEnd: false,
    stringsBegins: ["'", '"', '`', '['],
    stringsEnds: { "'": "'", '"': '"', '`': '`', '[': ']' },
    stringEscapes: { "'": "'", '"': '"', '`': '`' },
    returnRichInfo: true,
  },
};

/** Splits `sql` into statements without their terminators; empty and comment-only statements are dropped. */
export function splitStatements(sql: string, dialect: SqlDialect): string[] {
  const { forSplitter, codeOnly } = scan(sql, dialect);
  const items = splitQuery(forSplitter, SPLITTER_OPTIONS[dialect]) as RichItem[];
  let ranges = items.map((item) => ({ start: (item.trimStart ?? item.start).position, end: (item.trimEnd ?? item.end).position }));
  ranges = ranges.filter((r) => codeOnly.slice(r.start, r.end).trim() !== '');
  if (dialect === 'sqlite') ranges = joinTriggerBodies(ranges, codeOnly);
  return ranges.map((r) => sql.slice(r.start, r.end));
}

interface Range {
  start: number;
  end: number;
}

/** The splitter's `returnRichInfo` item (its type is not exported from the package root). */
interface RichItem {
  start: { position: number };
  end: { position: number };
  trimStart?: { position: number };
  trimEnd?: { position: number };
}

const CREATE_TRIGGER = /^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i;
const ENDS_WITH_END = /\bEND\s*$/i;

function joinTriggerBodies(ranges: Range[], codeOnly: string): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const first = ranges[i];
    if (!CREATE_TRIGGER.test(codeOnly.slice(first.start, first.end))) {
      out.push(first);
      continue;
    }
    let last = first;
    while (!ENDS_WITH_END.test(codeOnly.slice(first.start, last.end)) && i + 1 < ranges.length) last = ranges[++i];
    out.push({ start: first.start, end: last.end });
  }
  return out;
}

/**
 * One pass over the text that knows every quoting and comment form of the dialect, so that it never mistakes a
 * quote inside a comment (or the reverse). Returns two same-length views of `sql`:
 * `forSplitter` with the contents the splitter misreads blanked, `codeOnly` with every comment blanked.
 */
function scan(sql: string, dialect: SqlDialect): { forSplitter: string; codeOnly: string } {
  const forSplitter = sql.split('');
  const codeOnly = sql.split('');
  const blank = (view: string[], from: number, to: number) => {
    for (let k = from; k < to; k++) if (view[k] !== '\n') view[k] = ' ';
  };
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = lineEnd(sql, i);
      blank(codeOnly, i, end);
      i = end;
    } else if (ch === '#' && dialect === 'mysql') {
      const end = lineEnd(sql, i);
      // Shown to the splitter as the `--` comment it knows, so the comment stays in the statement like a `--` one.
      forSplitter[i] = end - i >= 2 ? '-' : ' ';
      if (end - i >= 2) forSplitter[i + 1] = '-';
      blank(codeOnly, i, end);
      i = end;
    } else if (ch === '/' && next === '*') {
      const end = blockCommentEnd(sql, i, dialect === 'postgres');
      // Keep `/*` and `*/` so the splitter still sees one comment; nested markers inside are what confuse it.
      blank(forSplitter, i + 2, Math.max(i + 2, end - 2));
      blank(codeOnly, i, end);
      i = end;
    } else if (ch === "'" && dialect === 'postgres' && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isWordChar(sql[i - 2])) {
      const end = quotedEnd(sql, i, "'", true);
      blank(forSplitter, i + 1, end - 1);
      i = end;
    } else if (ch === "'" || ch === '"' || (ch === '`' && dialect !== 'postgres')) {
      i = quotedEnd(sql, i, ch, dialect === 'mysql' && ch !== '`');
    } else if (ch === '[' && dialect === 'sqlite') {
      const close = sql.indexOf(']', i + 1);
      i = close < 0 ? n : close + 1;
    } else if (ch === '$' && dialect === 'postgres' && !isWordChar(sql[i - 1])) {
      const tag = /^\$[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*\$|^\$\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag === undefined) {
        i++;
      } else {
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? n : close + tag.length;
      }
    } else {
      i++;
    }
  }
  return { forSplitter: forSplitter.join(''), codeOnly: codeOnly.join('') };
}

function lineEnd(sql: string, from: number): number {
  const nl = sql.indexOf('\n', from);
  return nl < 0 ? sql.length : nl;
}

/** Index just past the comment's `*​/`; pg block comments nest, the others do not. */
function blockCommentEnd(sql: string, from: number, nests: boolean): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*' && (nests || depth === 0)) {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Index just past the closing quote; a doubled quote is an escaped one, and so is a backslash where it escapes. */
function quotedEnd(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\w$\u0080-\uffff]/.test(ch);
}
