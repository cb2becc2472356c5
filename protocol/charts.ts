import { z } from 'zod';
import { defineMethod } from './descriptor.js';

/** The kinds of chart the renderer draws (docs/api.md "chart.save"). */
export const CHART_KINDS = ['bar', 'line', 'area', 'scatter', 'pie'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

const columnName = z.string().min(1).max(1024);

/** What to plot from a result's columns; the renderer's chart form edits exactly this. */
export const chartSpecSchema = z.object({
  kind: z.enum(CHART_KINDS),
  /** The x axis (category, number or time), or a pie's labels. */
  x: columnName,
  /** One or more numeric columns; a pie uses the first. */
  y: z.array(columnName).min(1).max(20),
  /** One series per distinct value of this column (only with a single y column). */
  groupBy: columnName.nullable().optional(),
});
export type ChartSpec = z.output<typeof chartSpecSchema>;

/** A saved chart: its query, on its connection, and how to plot the result. Kept in app.db's `charts`. */
export interface SavedChart {
  id: string;
  name: string;
  connectionId: string;
  sql: string;
  spec: ChartSpec;
  createdAt: string;
  updatedAt: string;
}

const id = z.string().min(1).max(200);

export const chartMethods = {
  save: defineMethod<SavedChart>()(
    'chart.save',
    z.object({
      name: z.string().trim().min(1).max(200),
      connectionId: id,
      sql: z.string().min(1).max(100_000),
      spec: chartSpecSchema,
      /** Given: replaces that chart (CHART_NOT_FOUND when it does not exist); absent: a new chart. */
      id: id.optional(),
    }),
    ['name', 'connectionId', 'sql', 'spec', 'id'],
  ),
  list: defineMethod<SavedChart[]>()('chart.list', z.object({ connectionId: id.optional() }), ['connectionId']),
  delete: defineMethod<Record<string, never>>()('chart.delete', z.object({ id }), ['id']),
};
