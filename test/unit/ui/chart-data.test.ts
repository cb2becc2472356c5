/**
 * Charts' data path: LTTB keeps a line's shape (its first, last and extreme points) in a bounded number of points;
 * columns are classified (numbers sent as strings are numbers, ISO timestamps are time); a spec turns rows into
 * sorted point series, per-category sums and one series per group; and what reaches ECharts stays bounded for a
 * million rows.
 */
import { describe, expect, it } from 'vitest';
import { columnKind, guessSpec, prepareChart } from '../../../ui/src/charts/chart-data.js';
import { buildOption, LINE_POINTS } from '../../../ui/src/charts/chart-option.js';
import { lttbIndexes } from '../../../ui/src/charts/lttb.js';
import { ResultSet, type Row } from '../../../ui/src/results/result-set.js';

const colors = { text: '#000', muted: '#666', border: '#ccc', background: '#fff' };

function resultOf(columns: Array<[string, string]>, rows: Row[]): ResultSet {
  const set = new ResultSet();
  set.columns = columns.map(([name, type]) => ({ name, type }));
  set.append(rows);
  return set;
}

describe('LTTB downsampling', () => {
  it('keeps the first and last point and the spikes, within the threshold', () => {
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500));
    ys[31_337] = 50;
    ys[77_000] = -50;
    const kept = lttbIndexes(xs, ys, 0, n, 1_000);
    expect(kept).toHaveLength(1_000);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    expect(kept).toContain(31_337);
    expect(kept).toContain(77_000);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it('returns every index when there are fewer points than the threshold', () => {
    const xs = Float64Array.of(1, 2, 3);
    expect(lttbIndexes(xs, xs, 0, 3, 10)).toEqual([0, 1, 2]);
  });
});

describe('chart data', () => {
  it('classifies columns by type, and by their values where the type says nothing', () => {
    const set = resultOf(
      [['day', 'text'], ['amount', 'numeric'], ['big', ''], ['label', 'text'], ['at', 'timestamptz']],
      [['2024-05-01T10:00:00Z', '12.50', '9007199254740993', 'a', '2024-05-01 10:00:00']],
    );
    expect([0, 1, 2, 3, 4].map((i) => columnKind(set, i))).toEqual(['time', 'value', 'value', 'category', 'time']);
    expect(guessSpec(set)).toEqual({ kind: 'line', x: 'day', y: ['amount'], groupBy: null });
  });

  it('sums per category for bars and pies, one series per group', async () => {
    const set = resultOf(
      [['status', 'text'], ['region', 'text'], ['n', 'integer']],
      [['paid', 'eu', 2], ['paid', 'us', 3], ['open', 'eu', 1], ['paid', 'eu', 4], ['open', 'us', null]],
    );
    const chart = await prepareChart(set, { kind: 'bar', x: 'status', y: ['n'], groupBy: 'region' });
    expect(chart.xKind).toBe('category');
    expect(chart.categories).toEqual(['paid', 'open']);
    expect(chart.categorySeries.map((s) => [s.name, [...s.values]])).toEqual([['eu', [6, 1]], ['us', [3, 0]]]);
    expect(chart.values).toBe(4);
    expect(chart.notes[0]).toMatch(/^1 values skipped/);
  });

  it('sorts points by x and bounds a million-row line to LINE_POINTS per series', async () => {
    const rows: Row[] = [];
    for (let i = 1_000_000; i > 0; i--) rows.push([i, i % 1000]);
    const set = resultOf([['x', 'bigint'], ['y', 'integer']], rows);
    const chart = await prepareChart(set, { kind: 'line', x: 'x', y: ['y'] });
    expect(chart.points[0]!.xs[0]).toBe(1);
    expect(chart.points[0]!.xs.at(-1)).toBe(1_000_000);
    const whole = buildOption(chart, colors);
    expect(whole.drawn).toBe(LINE_POINTS);
    // Zoomed to 1% of the range: still bounded, and every drawn point lies in (or just beside) that range.
    const zoomed = buildOption(chart, colors, { min: 500_000, max: 510_000 });
    const data = (zoomed.option as { series: Array<{ data: number[][] }> }).series[0]!.data;
    expect(data.length).toBe(LINE_POINTS);
    expect(data[1]![0]).toBeGreaterThanOrEqual(500_000);
    expect(data.at(-2)![0]).toBeLessThanOrEqual(510_000);
  });
});
