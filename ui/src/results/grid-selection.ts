/** The grid's rectangular selection (cells, whole rows) and how it reads as TSV for the clipboard. */
import { cellText, type ResultSet } from './result-set.js';

export interface Selection {
  anchorRow: number;
  anchorCol: number;
  focusRow: number;
  focusCol: number;
}

export interface Range {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function rangeOf(s: Selection): Range {
  return {
    top: Math.min(s.anchorRow, s.focusRow),
    bottom: Math.max(s.anchorRow, s.focusRow),
    left: Math.min(s.anchorCol, s.focusCol),
    right: Math.max(s.anchorCol, s.focusCol),
  };
}

export function inRange(r: Range, row: number, col: number): boolean {
  return row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;
}

/**
 * Tab-separated values; a whole-row selection gets the header line. Tabs and newlines inside a value become spaces.
 * Asynchronous: the rows may be kept in the bridge worker (result-set.ts).
 */
export async function selectionToTsv(set: ResultSet, r: Range): Promise<string> {
  const clean = (text: string) => text.replace(/[\t\r\n]+/g, ' ');
  const lines: string[] = [];
  if (r.left === 0 && r.right === set.columns.length - 1 && r.bottom > r.top) lines.push(set.columns.map((c) => clean(c.name)).join('\t'));
  for (const values of await set.read(r.top, r.bottom + 1)) {
    const cells: string[] = [];
    for (let col = r.left; col <= r.right; col++) cells.push(clean(cellText(values[col])));
    lines.push(cells.join('\t'));
  }
  return lines.join('\n');
}
