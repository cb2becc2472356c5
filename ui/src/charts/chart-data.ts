/**
 * From a result set and a ChartSpec to plottable series. Rows are read in slices with a yield to the browser between
 * them, so a million-row result does not freeze the page while it is prepared; what reaches ECharts is then cut down
 * (chart-option.ts) to a few thousand points per series.
 */
import type { ChartSpec } from '../../../protocol/charts.js';
import type { CellValue, ColumnMeta } from '../../../protocol/query.js';
import { cellText, type ResultSet } from '../results/result-set.js';

export type AxisKind = 'time' | 'value' | 'category';

/** A series over a numeric or time x axis, sorted by x. */
export interface PointSeries {
  name: string;
  xs: Float64Array;
  ys: Float64Array;
}

/** Sums per category (bar or pie over text values), categories in order of first appearance. */
export interface CategorySeries {
  name: string;
  values: Float64Array;
}

export interface PreparedChart {
  spec: ChartSpec;
  xKind: AxisKind;
  points: PointSeries[];
  categories: string[];
  categorySeries: CategorySeries[];
  /** Rows read. */
  rows: number;
  /** Plotted values (rows × y columns, less the skipped). */
  values: number;
  notes: string[];
}

const SLICE = 10_000;
export const MAX_SERIES = 20;
export const MAX_CATEGORIES = 1_000;
const TIME_TYPE = /date|time/i;
const NUMERIC_TYPE = /int|numeric|decimal|real|float|double|money|serial|number/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** How a column can be plotted: its declared type first, else what its first non-null values look like. */
export function columnKind(set: ResultSet, index: number): AxisKind {
  const column: ColumnMeta = set.columns[index]!;
  if (TIME_TYPE.test(column.type) && !/interval/i.test(column.type)) return 'time';
  if (NUMERIC_TYPE.test(column.type) && !/point|interval/i.test(column.type)) return 'value';
  let seen = 0;
  let numbers = 0;
  let dates = 0;
  // Only the rows the page already holds (a streamed set keeps its first rows here: result-set.ts); enough to judge.
  for (let i = 0; i < set.rowCount && seen < 50; i++) {
    const row = set.row(i);
    if (!row) break;
    const value = row[index];
    if (value === null || value === undefined) continue;
    seen++;
    if (toNumber(value) !== null) numbers++;
    else if (typeof value === 'string' && ISO_DATE.test(value)) dates++;
  }
  if (seen > 0 && numbers === seen) return 'value';
  if (seen > 0 && dates === seen) return 'time';
  return 'category';
}

/** Numbers, and numbers sent as strings (64-bit integers and decimals travel as strings: docs/api.md). */
export function toNumber(value: CellValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

export function toTime(value: CellValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  // "2024-05-01 10:00:00" (SQLite, MySQL) reads as local time in the ISO form with a T.
  const ms = Date.parse(value.length > 10 && value[10] === ' ' ? `${value.slice(0, 10)}T${value.slice(11)}` : value);
  return Number.isNaN(ms) ? null : ms;
}

/** The columns a spec names that the result does not have. */
export function missingColumns(set: ResultSet, spec: ChartSpec): string[] {
  const names = new Set(set.columns.map((c) => c.name));
  return [spec.x, ...spec.y, ...(spec.groupBy ? [spec.groupBy] : [])].filter((name) => !names.has(name));
}

/** A first spec for a result: x = the first time or text column (else the first), y = the first other numeric one. */
export function guessSpec(set: ResultSet): ChartSpec | null {
  if (set.columns.length === 0) return null;
  const kinds = set.columns.map((_, i) => columnKind(set, i));
  let x = kinds.findIndex((k) => k === 'time');
  if (x < 0) x = kinds.findIndex((k) => k === 'category');
  if (x < 0) x = 0;
  const y = kinds.findIndex((k, i) => k === 'value' && i !== x);
  if (y < 0) return null;
  return { kind: kinds[x] === 'category' ? 'bar' : 'line', x: set.columns[x]!.name, y: [set.columns[y]!.name], groupBy: null };
}

const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function prepareChart(set: ResultSet, spec: ChartSpec, signal?: AbortSignal): Promise<PreparedChart> {
  const index = (name: string) => set.columns.findIndex((c) => c.name === name);
  const xIndex = index(spec.x);
  const yIndexes = spec.y.map(index);
  const groupIndex = spec.groupBy ? index(spec.groupBy) : -1;
  const detected = columnKind(set, xIndex);
  // A pie, and bars over text, sum per category; everything else plots points.
  const xKind: AxisKind = spec.kind === 'pie' ? 'category' : detected;
  const notes: string[] = [];
  const seriesName = (group: string | null, y: string) => (group === null ? y : spec.y.length > 1 ? `${group} · ${y}` : group);

  const pointBuffers = new Map<string, { xs: number[]; ys: number[] }>();
  const categoryIndex = new Map<string, number>();
  const categorySums = new Map<string, number[]>();
  let droppedGroups = 0;
  let droppedCategories = 0;
  let skipped = 0;
  let values = 0;

  for (let from = 0; from < set.rowCount; from += SLICE) {
    if (signal?.aborted) throw new DOMException('Chart preparation superseded', 'AbortError');
    // A slice at a time, wherever the rows are kept (the bridge worker holds a streamed set's rows: result-set.ts).
    const slice = await set.read(from, Math.min(set.rowCount, from + SLICE));
    const to = from + slice.length;
    for (const row of slice) {
      const group = groupIndex >= 0 ? cellText(row[groupIndex]) : null;
      let x: number | null = null;
      let category = '';
      if (xKind === 'category') category = cellText(row[xIndex]);
      else {
        x = xKind === 'time' ? toTime(row[xIndex]) : toNumber(row[xIndex]);
        if (x === null) {
          skipped += yIndexes.length;
          continue;
        }
      }
      for (let k = 0; k < yIndexes.length; k++) {
        const y = toNumber(row[yIndexes[k]!]);
        if (y === null) {
          skipped++;
          continue;
        }
        const name = seriesName(group, spec.y[k]!);
        if (xKind === 'category') {
          let slot = categoryIndex.get(category);
          if (slot === undefined) {
            if (categoryIndex.size >= MAX_CATEGORIES) {
              droppedCategories++;
              continue;
            }
            categoryIndex.set(category, (slot = categoryIndex.size));
          }
          let sums = categorySums.get(name);
          if (!sums) {
            if (categorySums.size >= MAX_SERIES) {
              droppedGroups++;
              continue;
            }
            categorySums.set(name, (sums = []));
          }
          sums[slot] = (sums[slot] ?? 0) + y;
        } else {
          let buffer = pointBuffers.get(name);
          if (!buffer) {
            if (pointBuffers.size >= MAX_SERIES) {
              droppedGroups++;
              continue;
            }
            pointBuffers.set(name, (buffer = { xs: [], ys: [] }));
          }
          buffer.xs.push(x!);
          buffer.ys.push(y);
        }
        values++;
      }
    }
    if (slice.length === 0) break;
    if (to < set.rowCount) await yieldToBrowser();
  }

  if (skipped > 0) notes.push(`${skipped.toLocaleString('en-US')} values skipped (NULL or not a number)`);
  if (droppedGroups > 0) notes.push(`only the first ${MAX_SERIES} series are drawn`);
  if (droppedCategories > 0) notes.push(`only the first ${MAX_CATEGORIES.toLocaleString('en-US')} categories are drawn`);

  const points: PointSeries[] = [];
  for (const [name, buffer] of pointBuffers) points.push(sortedSeries(name, buffer.xs, buffer.ys));
  const categories = [...categoryIndex.keys()];
  const categorySeries = [...categorySums].map(([name, sums]) => ({ name, values: Float64Array.from(categories, (_, i) => sums[i] ?? 0) }));
  return { spec, xKind, points, categories, categorySeries, rows: set.rowCount, values, notes };
}

function sortedSeries(name: string, xs: number[], ys: number[]): PointSeries {
  let sorted = true;
  for (let i = 1; i < xs.length && sorted; i++) sorted = xs[i - 1]! <= xs[i]!;
  if (sorted) return { name, xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
  const order = Uint32Array.from(xs, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  return { name, xs: Float64Array.from(order, (i) => xs[i]!), ys: Float64Array.from(order, (i) => ys[i]!) };
}
