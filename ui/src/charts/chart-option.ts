/**
 * The ECharts option for a prepared chart. What is handed to ECharts is bounded whatever the result's size: lines,
 * areas and bars over a numeric or time axis get at most LINE_POINTS points per series (LTTB, lttb.ts) of the x range
 * in view — zooming in re-samples the range from all the rows — and a scatter at most SCATTER_POINTS per series
 * (every n-th point). Categories are summed already (chart-data.ts).
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { PreparedChart } from './chart-data.js';
import { lttbIndexes } from './lttb.js';

export const LINE_POINTS = 2_000;
export const SCATTER_POINTS = 50_000;
const PIE_SLICES = 30;

export interface XRange {
  min: number;
  max: number;
}

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  background: string;
}

export interface BuiltOption {
  option: EChartsCoreOption;
  /** Points (or bars, or slices) handed to ECharts. */
  drawn: number;
  /** The whole x extent of point series, for zoom re-sampling. */
  extent: XRange | null;
}

export function xExtent(chart: PreparedChart): XRange | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of chart.points) {
    if (s.xs.length === 0) continue;
    min = Math.min(min, s.xs[0]!);
    max = Math.max(max, s.xs[s.xs.length - 1]!);
  }
  return min <= max ? { min, max } : null;
}

/** The first index whose x is ≥ value (xs sorted ascending). */
function lowerBound(xs: Float64Array, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildOption(chart: PreparedChart, colors: ChartColors, range?: XRange): BuiltOption {
  const { spec } = chart;
  const base = {
    animation: false,
    backgroundColor: colors.background,
    textStyle: { color: colors.text },
    legend: { type: 'scroll', top: 4, textStyle: { color: colors.text } },
    tooltip: { trigger: spec.kind === 'pie' || spec.kind === 'scatter' ? 'item' : 'axis', confine: true },
  };

  if (spec.kind === 'pie') {
    const first = chart.categorySeries[0];
    const slices = first ? chart.categories.map((name, i) => ({ name, value: first.values[i]! })).sort((a, b) => b.value - a.value) : [];
    const shown = slices.slice(0, PIE_SLICES - 1);
    const rest = slices.slice(PIE_SLICES - 1).reduce((sum, s) => sum + s.value, 0);
    if (slices.length > PIE_SLICES - 1) shown.push({ name: 'Other', value: rest });
    return {
      option: { ...base, series: [{ type: 'pie', name: first?.name ?? '', radius: ['30%', '68%'], center: ['50%', '55%'], data: shown, label: { color: colors.text } }] },
      drawn: shown.length,
      extent: null,
    };
  }

  const axis = {
    axisLine: { lineStyle: { color: colors.border } },
    axisLabel: { color: colors.muted, hideOverlap: true },
    splitLine: { lineStyle: { color: colors.border, opacity: 0.5 } },
  };
  const yAxis = { type: 'value', scale: spec.kind === 'scatter', ...axis, name: spec.y.length === 1 && !spec.groupBy ? spec.y[0] : undefined, nameTextStyle: { color: colors.muted } };
  const grid = { left: 16, right: 24, top: 40, bottom: 64, containLabel: true };

  if (chart.xKind === 'category') {
    const series = chart.categorySeries.map((s) => ({
      type: spec.kind === 'area' ? 'line' : spec.kind,
      name: s.name,
      data: Array.from(s.values),
      ...(spec.kind === 'area' ? { areaStyle: { opacity: 0.25 } } : {}),
      ...(spec.kind === 'line' || spec.kind === 'area' ? { showSymbol: chart.categories.length <= 60 } : {}),
      ...(spec.kind === 'bar' ? { large: true } : {}),
    }));
    return {
      option: {
        ...base,
        grid,
        xAxis: { type: 'category', data: chart.categories, name: spec.x, nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: colors.muted }, ...axis },
        yAxis,
        dataZoom: chart.categories.length > 40 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
        series,
      },
      drawn: chart.categories.length * series.length,
      extent: null,
    };
  }

  const extent = xExtent(chart);
  let drawn = 0;
  const series = chart.points.map((s) => {
    const from = range ? lowerBound(s.xs, range.min) : 0;
    const to = range ? Math.min(s.xs.length, lowerBound(s.xs, range.max) + 1) : s.xs.length;
    // One point either side of the range keeps the line running to the plot's edges.
    const lo = Math.max(0, from - 1);
    const hi = Math.min(s.xs.length, to + 1);
    let picks: number[];
    if (spec.kind === 'scatter') {
      const step = Math.max(1, Math.ceil((hi - lo) / SCATTER_POINTS));
      picks = [];
      for (let i = lo; i < hi; i += step) picks.push(i);
    } else picks = lttbIndexes(s.xs, s.ys, lo, hi, LINE_POINTS);
    drawn += picks.length;
    return {
      type: spec.kind === 'area' ? 'line' : spec.kind,
      name: s.name,
      data: picks.map((i) => [s.xs[i]!, s.ys[i]!]),
      ...(spec.kind === 'line' || spec.kind === 'area' ? { showSymbol: picks.length <= 60, lineStyle: { width: 1.5 } } : {}),
      ...(spec.kind === 'area' ? { areaStyle: { opacity: 0.25 } } : {}),
      ...(spec.kind === 'scatter' ? { symbolSize: picks.length > 5_000 ? 3 : 6, large: true, largeThreshold: 5_000 } : {}),
      ...(spec.kind === 'bar' ? { barMaxWidth: 24 } : {}),
    };
  });
  return {
    option: {
      ...base,
      grid,
      xAxis: {
        type: chart.xKind,
        name: spec.x,
        nameLocation: 'middle',
        nameGap: 28,
        nameTextStyle: { color: colors.muted },
        scale: chart.xKind === 'value',
        ...(extent ? { min: extent.min, max: extent.max } : {}),
        ...axis,
      },
      yAxis,
      dataZoom: [
        { type: 'inside', filterMode: 'none' },
        { type: 'slider', filterMode: 'none', height: 18, bottom: 8, showDataShadow: false },
      ],
      series,
    },
    drawn,
    extent,
  };
}
