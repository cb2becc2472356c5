/**
 * A batch frame read from its head: the bridge serializes a batch's `rows` last, after `rowCount` (docs/api.md,
 * query.result), and splices it unparsed into the JSON-RPC frame — so the bridge worker can route and count a batch by
 * parsing only the few hundred bytes around the rows, and keep the rows themselves as the text they came as.
 */
const ROWS_KEY = ',"rows":[';
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

export interface SplitFrame {
  /** The frame without its `rows` field, parsed. */
  head: Record<string, unknown>;
  /** The JSON text of the `rows` array, `[` to `]`. */
  rowsText: string;
}

/**
 * Splits a frame whose innermost object ends with a `rows` array; null for any other frame (or text that is not
 * JSON). The first `,"rows":[` is the batch's own key: inside a JSON string a quote is always escaped, and a batch's
 * other fields hold no `rows` key — row values (a JSON column's object) come after it.
 */
export function splitBatchFrame(text: string): SplitFrame | null {
  const at = text.indexOf(ROWS_KEY);
  if (at < 0) return null;
  let end = text.length;
  while (end > at && text.charCodeAt(end - 1) === CLOSE_BRACE) end--;
  if (end <= at || text.charCodeAt(end - 1) !== CLOSE_BRACKET) return null;
  try {
    const head = JSON.parse(text.slice(0, at) + text.slice(end)) as unknown;
    if (typeof head !== 'object' || head === null || Array.isArray(head)) return null;
    return { head: head as Record<string, unknown>, rowsText: text.slice(at + ROWS_KEY.length - 1, end) };
  } catch {
    return null;
  }
}
