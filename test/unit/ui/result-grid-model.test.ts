/**
 * The result grid's data model: rows in chunks read back by index, NULL apart from an empty string, the TSV of a
 * selection, and fixed-height windowing that stays O(visible rows) and reaches the last of a million rows.
 */
import { describe, expect, it } from 'vitest';
import { ROW_HEIGHT, rowWindow } from '../../../ui/src/results/grid-geometry.js';
import { rangeOf, selectionToTsv } from '../../../ui/src/results/grid-selection.js';
import { cellText, ResultSet } from '../../../ui/src/results/result-set.js';

describe('the result set', () => {
  it('appends batches across chunk boundaries and reads rows back by index', () => {
    const set = new ResultSet();
    for (let batch = 0; batch < 10; batch++) set.append(Array.from({ length: 1000 }, (_, i) => [batch * 1000 + i]));
    expect(set.rowCount).toBe(10_000);
    expect(set.row(0)).toEqual([0]);
    expect(set.row(4095)).toEqual([4095]);
    expect(set.row(4096)).toEqual([4096]);
    expect(set.row(9999)).toEqual([9999]);
    expect(set.row(10_000)).toBeUndefined();
  });

  it('shows NULL as a word and keeps an empty string empty', () => {
    expect(cellText(null)).toBe('NULL');
    expect(cellText('')).toBe('');
    expect(cellText(0)).toBe('0');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText({ $base64: '3q2+7w==' })).toBe('base64:3q2+7w==');
  });

  it('copies a selection as TSV, with a header for whole rows and tabs/newlines flattened', async () => {
    const set = new ResultSet();
    set.columns = [
      { name: 'id', type: 'int4' },
      { name: 'note', type: 'text' },
    ];
    set.append([
      [1, 'a\tb'],
      [2, null],
      [3, 'line\nbreak'],
    ]);
    expect(await selectionToTsv(set, rangeOf({ anchorRow: 0, anchorCol: 1, focusRow: 0, focusCol: 1 }))).toBe('a b');
    expect(await selectionToTsv(set, rangeOf({ anchorRow: 2, anchorCol: 1, focusRow: 0, focusCol: 0 }))).toBe('id\tnote\n1\ta b\n2\tNULL\n3\tline break');
  });
});

describe('a result set whose rows are kept in the bridge worker', () => {
  /** A source over rows 0..n-1 that records what it was asked for, like the worker's RowStore behind postMessage. */
  function keptSet(total: number) {
    const asked: Array<[number, number]> = [];
    const source = (from: number, to: number) => {
      asked.push([from, to]);
      return Promise.resolve(Array.from({ length: Math.max(0, Math.min(to, total) - from) }, (_, i) => [from + i]));
    };
    const set = new ResultSet(source);
    // As the worker sends it: batches of 1000, only the first 200 rows let through (HEAD_ROWS).
    for (let start = 0; start < total; start += 1000) {
      const count = Math.min(1000, total - start);
      set.appendKept(start < 200 ? Array.from({ length: Math.min(count, 200 - start) }, (_, i) => [start + i]) : [], count);
    }
    return { set, asked };
  }

  it('has the head rows at once and counts every row', () => {
    const { set, asked } = keptSet(5_000);
    expect(set.rowCount).toBe(5_000);
    expect(set.row(0)).toEqual([0]);
    expect(set.row(199)).toEqual([199]);
    expect(asked).toEqual([]);
  });

  it('fetches a row past the head by page, once, and says when it arrived', async () => {
    const { set, asked } = keptSet(5_000);
    let arrived = 0;
    set.onRowsArrived = () => arrived++;
    expect(set.row(3_000)).toBeUndefined();
    expect(set.row(3_001)).toBeUndefined();
    expect(asked).toEqual([[2_816, 3_072]]);
    await Promise.resolve();
    await Promise.resolve();
    expect(arrived).toBe(1);
    expect(set.row(3_000)).toEqual([3_000]);
    expect(set.row(3_071)).toEqual([3_071]);
    expect(asked).toHaveLength(1);
  });

  it('reads any range for copy and export, and copies it as TSV', async () => {
    const { set } = keptSet(5_000);
    set.columns = [{ name: 'n', type: 'int4' }];
    expect((await set.read(4_990, 6_000)).map((r) => r[0])).toEqual([4_990, 4_991, 4_992, 4_993, 4_994, 4_995, 4_996, 4_997, 4_998, 4_999]);
    expect(await selectionToTsv(set, rangeOf({ anchorRow: 4_000, anchorCol: 0, focusRow: 4_002, focusCol: 0 }))).toBe('n\n4000\n4001\n4002');
  });
});

describe('row windowing', () => {
  it('renders only the rows in view plus a small overscan', () => {
    const win = rowWindow(1_000_000, 0, 520);
    expect(win.first).toBe(0);
    expect(win.last - win.first).toBeLessThan(40);
    expect(win.top).toBe(0);
  });

  it('positions the window at the scrolled row', () => {
    const win = rowWindow(1_000, 100 * ROW_HEIGHT + 5, 520);
    expect(win.first).toBe(92);
    expect(win.top).toBe(92 * ROW_HEIGHT);
  });

  it('compresses a scroll range taller than the browser allows and still reaches the last row', () => {
    const rows = 10_000_000;
    const viewport = 520;
    const atEnd = rowWindow(rows, Number.MAX_SAFE_INTEGER, viewport);
    expect(atEnd.contentHeight).toBeLessThan(rows * ROW_HEIGHT);
    expect(atEnd.last).toBe(rows - 1);
    const middle = rowWindow(rows, (atEnd.contentHeight - viewport) / 2, viewport);
    expect(Math.abs(middle.first + 8 - rows / 2)).toBeLessThan(50);
  });
});
