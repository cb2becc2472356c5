/**
 * Fixed-height row windowing, O(visible rows) per frame whatever the row count. (A general virtualizer such as
 * TanStack Virtual recomputes every row's offset when the count grows — a 1M-iteration loop per streamed frame.)
 * Past the browser's maximum element height the scroll range is compressed: scrollTop maps proportionally to rows.
 */
import type { ColumnMeta } from '../../../protocol/query.js';
import { cellText, type ResultSet } from './result-set.js';

export const ROW_HEIGHT = 26;
export const HEADER_HEIGHT = 40;
export const ROW_NUMBER_WIDTH = 64;
const MAX_SCROLL_HEIGHT = 15_000_000;
export const OVERSCAN = 8;

export interface Window {
  first: number;
  last: number;
  /** Pixel offset (in the scroll content) of row `first`. */
  top: number;
  contentHeight: number;
}

export function rowWindow(rowCount: number, scrollTop: number, viewportHeight: number): Window {
  const fullHeight = rowCount * ROW_HEIGHT;
  const contentHeight = Math.min(fullHeight, MAX_SCROLL_HEIGHT);
  const visibleRows = Math.ceil(viewportHeight / ROW_HEIGHT) + 1;
  let firstVisible: number;
  let offsetWithin = 0;
  if (fullHeight === contentHeight) {
    firstVisible = Math.floor(scrollTop / ROW_HEIGHT);
  } else {
    const scrollRange = Math.max(1, contentHeight - viewportHeight);
    const rowRange = Math.max(0, rowCount - visibleRows + 1);
    const exact = (Math.min(scrollTop, scrollRange) / scrollRange) * rowRange;
    firstVisible = Math.floor(exact);
    offsetWithin = (exact - firstVisible) * ROW_HEIGHT;
  }
  const first = Math.max(0, firstVisible - OVERSCAN);
  const last = Math.min(rowCount - 1, firstVisible + visibleRows + OVERSCAN);
  const top = scrollTop - offsetWithin - (firstVisible - first) * ROW_HEIGHT - (fullHeight === contentHeight ? scrollTop % ROW_HEIGHT : 0);
  return { first, last, top: Math.max(0, top), contentHeight };
}

/** Column widths from the header and a sample of rows, clamped so one long value cannot take the screen. */
export function columnWidths(columns: ColumnMeta[], set: ResultSet): number[] {
  const sample = Math.min(set.rowCount, 200);
  return columns.map((column, c) => {
    let chars = Math.max(column.name.length, column.type.length * 0.85);
    for (let r = 0; r < sample; r++) chars = Math.max(chars, Math.min(60, cellText(set.row(r)?.[c]).length));
    return Math.round(Math.min(380, Math.max(72, chars * 7.4 + 22)));
  });
}
