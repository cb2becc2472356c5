import { z } from 'zod';
import { defineMethod } from './descriptor.js';
import type { RunStatus } from './query.js';

/** One accepted `query.run`, as kept in app.db's capped `query_history`. docs/api.md, "history.list". */
export interface HistoryEntry {
  id: number;
  connectionId: string;
  sql: string;
  startedAt: string;
  durationMs: number;
  rows: number;
  status: RunStatus;
}

export const historyMethods = {
  list: defineMethod<HistoryEntry[]>()(
    'history.list',
    z.object({ connectionId: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    ['connectionId', 'limit'],
  ),
};
