/**
 * Splitting a script into the statements a driver can run one at a time (each becomes one result set).
 *
 * One hand-written pass over the text that knows every quoting and comment form of the dialect, yielding each
 * statement's offsets as it finds them: memory stays proportional to the number of statements (two numbers each),
 * never to the text, so a 10 MB dump costs little more than its own string (docs/benchmarks.md, "large-sql").
 * It lives in protocol/ because both ends use it: the workers to run a script, the UI to find the statement under the
 * cursor — so the editor's idea of a statement is exactly the bridge's.
 *
 * What it knows, per dialect:
 * - every dialect: `'…'` with doubled quotes, `"…"` identifiers, `-- …` and `/* … *​/` comments;
 * - PostgreSQL: `$tag$ … $tag$` bodies (a `$1` parameter is not one), `E'…\'…'` strings, nested block comments;
 * - MySQL/MariaDB: backslash escapes in strings, `` `…` `` identifiers, `# …` comments, and `DELIMITER x` lines
 *   (which change the terminator and are not statements themselves);
 * - SQLite: `` `…` `` and `[…]` identifiers, and `CREATE TRIGGER … BEGIN …; END` kept whole by SQLite's own rule
 *   (sqlite3_complete): a trigger ends at the first `;` that follows the keyword END. Like the sqlite3 shell, a body
 *   statement that itself ends in `CASE … END;` ends the trigger early. `BEGIN;` (a transaction) is no block.
 * A statement keeps its leading comments and loses the whitespace around it and its terminator; empty and
 * comment-only pieces are dropped (drivers reject those: "contains no statements").
 */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

/** Where one statement lies in the script: `sql.slice(start, end)` is its text. */
export interface StatementRange {
  start: number;
  end: number;
}

/** Splits `sql` into statements without their terminators; empty and comment-only statements are dropped. */
export function splitStatements(sql: string, dialect: SqlDialect): string[] {
  return Array.from(statementRanges(sql, dialect), (range) => sql.slice(range.start, range.end));
}

const SEMICOLON = 0x3b;

/** The state of the statement being read. */
interface Piece {
  /** First non-blank character (a comment counts), -1 before it. */
  start: number;
  /** Just past the last non-blank character. */
  end: number;
  /** Something other than comments was seen: the piece is a statement. */
  hasCode: boolean;
  /** SQLite: 0 nothing yet, 1 after CREATE, 2 after CREATE TEMP, 3 a trigger, -1 not a trigger. */
  trigger: number;
  /** The last code token was the keyword END (a trigger's `;` after it ends the statement). */
  afterEnd: boolean;
}

function newPiece(): Piece {
  return { start: -1, end: -1, hasCode: false, trigger: 0, afterEnd: false };
}

/** Yields the statements of `sql` in order, lazily: nothing past the statement yielded has been looked at. */
export function* statementRanges(sql: string, dialect: SqlDialect): Generator<StatementRange> {
  const n = sql.length;
  let delimiter = ';';
  let piece = newPiece();
  let i = 0;
  const code = (end: number): void => {
    piece.hasCode = true;
    piece.end = end;
    piece.afterEnd = false;
    if (piece.trigger !== 3) piece.trigger = -1;
  };
  while (i < n) {
    const ch = sql.charCodeAt(i);
    if (isBlank(ch)) {
      i++;
      continue;
    }
    if (piece.start < 0) piece.start = i;
    const next = sql.charCodeAt(i + 1);
    if (delimiter === ';' ? ch === SEMICOLON : sql.startsWith(delimiter, i)) {
      if (ch === SEMICOLON && piece.trigger === 3 && !piece.afterEnd) {
        code(i + 1);
        i++;
        continue;
      }
      if (piece.hasCode) yield { start: piece.start, end: piece.end };
      piece = newPiece();
      i += delimiter.length;
    } else if ((ch === 0x2d && next === 0x2d) || (ch === 0x23 && dialect === 'mysql')) {
      // `-- …` and MySQL's `# …` run to the end of the line.
      const end = lineEnd(sql, i);
      piece.end = trimmedEnd(sql, i, end);
      i = end;
    } else if (ch === 0x2f && next === 0x2a) {
      i = blockCommentEnd(sql, i, dialect === 'postgres');
      piece.end = i;
    } else if (ch === 0x27 || ch === 0x22 || (ch === 0x60 && dialect !== 'postgres')) {
      i = quotedEnd(sql, i, ch, backslashEscapes(sql, i, ch, dialect));
      code(i);
    } else if (ch === 0x5b && dialect === 'sqlite') {
      const close = sql.indexOf(']', i + 1);
      i = close < 0 ? n : close + 1;
      code(i);
    } else if (ch === 0x24 && dialect === 'postgres' && dollarTagLength(sql, i) > 0) {
      const tagLength = dollarTagLength(sql, i);
      const close = sql.indexOf(sql.slice(i, i + tagLength), i + tagLength);
      i = close < 0 ? n : close + tagLength;
      code(i);
    } else if (isWordCode(ch)) {
      // A custom terminator may start with a word character (`$$`): it ends the word.
      const stopAt = delimiter === ';' ? -1 : delimiter.charCodeAt(0);
      let end = i + 1;
      while (end < n && isWordCode(sql.charCodeAt(end)) && !(sql.charCodeAt(end) === stopAt && sql.startsWith(delimiter, end))) end++;
      if (dialect === 'mysql' && !piece.hasCode && end - i === 9 && isDelimiterLine(sql, i, end)) {
        // `DELIMITER x`: the rest of the line names the new terminator; the line is no statement.
        const lineStop = lineEnd(sql, end);
        const token = /\S+/.exec(sql.slice(end, lineStop))?.[0];
        if (token !== undefined) {
          delimiter = token;
          piece = newPiece();
          i = lineStop;
          continue;
        }
      }
      const trigger = piece.trigger;
      code(end);
      if (dialect === 'sqlite') {
        piece.trigger = trigger === 3 ? 3 : nextTriggerState(trigger, sql, i, end);
        piece.afterEnd = end - i === 3 && sql.slice(i, end).toUpperCase() === 'END';
      }
      i = end;
    } else {
      code(i + 1);
      i++;
    }
  }
  if (piece.hasCode) yield { start: piece.start, end: piece.end };
}

/** CREATE [TEMP|TEMPORARY] TRIGGER, word by word; any other word or token on the way means no trigger. */
function nextTriggerState(state: number, sql: string, start: number, end: number): number {
  if (state < 0) return -1;
  const word = end - start <= 9 ? sql.slice(start, end).toUpperCase() : '';
  if (state === 0) return word === 'CREATE' ? 1 : -1;
  if (word === 'TRIGGER') return 3;
  if (state === 1 && (word === 'TEMP' || word === 'TEMPORARY')) return 2;
  return -1;
}

function isDelimiterLine(sql: string, start: number, end: number): boolean {
  const after = sql.charCodeAt(end);
  return (after === 0x20 || after === 0x09) && sql.slice(start, end).toUpperCase() === 'DELIMITER';
}

/** Whether a quote opened at `at` treats a backslash as an escape: MySQL strings, and PostgreSQL's E'…'. */
function backslashEscapes(sql: string, at: number, quote: number, dialect: SqlDialect): boolean {
  if (dialect === 'mysql') return quote !== 0x60;
  if (dialect !== 'postgres' || quote !== 0x27) return false;
  const prefix = sql.charCodeAt(at - 1);
  return (prefix === 0x45 || prefix === 0x65) && !isWordCode(sql.charCodeAt(at - 2));
}

/** The length of a `$tag$` / `$$` opening at `at` (0 if none): a `$` right after a word character is not one. */
function dollarTagLength(sql: string, at: number): number {
  if (isWordCode(sql.charCodeAt(at - 1))) return 0;
  let j = at + 1;
  const first = sql.charCodeAt(j);
  if (first === 0x24) return 2;
  if (!(isLetter(first) || first === 0x5f || first >= 0x80)) return 0;
  while (j < sql.length && isWordCode(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 0x24) j++;
  return sql.charCodeAt(j) === 0x24 ? j - at + 1 : 0;
}

function lineEnd(sql: string, from: number): number {
  const nl = sql.indexOf('\n', from);
  return nl < 0 ? sql.length : nl;
}

function trimmedEnd(sql: string, from: number, end: number): number {
  while (end > from && isBlank(sql.charCodeAt(end - 1))) end--;
  return end;
}

/** Index just past the comment's `*​/`; pg block comments nest, the others do not. */
function blockCommentEnd(sql: string, from: number, nests: boolean): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    const ch = sql.charCodeAt(i);
    if (ch === 0x2f && sql.charCodeAt(i + 1) === 0x2a && (nests || depth === 0)) {
      depth++;
      i += 2;
    } else if (ch === 0x2a && sql.charCodeAt(i + 1) === 0x2f) {
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
function quotedEnd(sql: string, from: number, quote: number, backslash: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const ch = sql.charCodeAt(i);
    if (backslash && ch === 0x5c) {
      i += 2;
    } else if (ch === quote) {
      if (sql.charCodeAt(i + 1) !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

function isBlank(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}

function isLetter(ch: number): boolean {
  return (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a);
}

/** Letters, digits, `_`, `$` and anything beyond ASCII (NaN, past the text's end, is not). */
function isWordCode(ch: number): boolean {
  return isLetter(ch) || (ch >= 0x30 && ch <= 0x39) || ch === 0x5f || ch === 0x24 || ch >= 0x80;
}
