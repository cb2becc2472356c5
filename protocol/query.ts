import { z } from 'zod';
import { defineEvent, defineMethod } from './descriptor.js';
import type { BridgeErrorShape } from './errors.js';

export const runOptionsSchema = z.object({
  batchSize: z.number().int().min(1).max(50_000).optional(),
  maxRows: z.number().int().min(1).optional(),
  mode: z.enum(['stream', 'page']).optional(),
  rowFormat: z.enum(['object', 'array']).optional(),
  params: z.array(z.unknown()).max(65_535).optional(),
  timeoutMs: z.number().int().min(1).optional(),
});
export type RunOptions = z.output<typeof runOptionsSchema>;

export { DEFAULT_BATCH_SIZE } from './run-defaults.js';

export interface ColumnMeta {
  name: string;
  /** The database's own type name. */
  type: string;
  nullable?: boolean;
}

/** A JSON-safe, lossless value: 64-bit ints and decimals as strings, timestamps ISO, binary as `{ $base64 }`. */
export type CellValue = null | boolean | number | string | { $base64: string } | CellValue[] | { [k: string]: unknown };

export type RunStatus = 'success' | 'cancelled' | 'error' | 'truncated';

export interface QueryResultEvent {
  sessionId: string;
  runId: string;
  resultSetIndex: number;
  batchIndex: number;
  /** How many rows `rows` holds (docs/api.md, query.result: `rows` is serialized last, so this is readable before it). */
  rowCount: number;
  rows: Array<Record<string, CellValue> | CellValue[]>;
  columns: ColumnMeta[];
  complete: boolean;
  cursorToken?: string;
  /** For a statement without a result set (DML/DDL): how many rows it changed. */
  rowsAffected?: number;
  /**
   * Only on a run's first batch, when the session's database connection had been lost and this run opened a new one:
   * what the session had set up before (an open transaction, temp tables, session settings) is gone.
   */
  sessionReconnected?: true;
}

export interface QueryDoneEvent {
  sessionId: string;
  runId: string;
  rows: number;
  rowsAffected?: number;
  timeMs: number;
  status: RunStatus;
}

export interface QueryErrorEvent {
  sessionId: string;
  runId: string;
  error: BridgeErrorShape;
}

export interface FetchMoreResult {
  rowCount: number;
  rows: QueryResultEvent['rows'];
  columns: ColumnMeta[];
  complete: boolean;
  cursorToken?: string;
}

const id = z.string().min(1).max(200);

/**
 * A script's text. A NUL character is refused here, before any driver sees it: PostgreSQL's wire protocol ends the
 * text at it ("insufficient data left in message") and SQLite silently runs only what comes before it — a
 * different statement than the one written.
 */
const sqlText = z
  .string()
  .min(1)
  .max(16 * 1024 * 1024)
  .refine((sql) => !sql.includes('\0'), { message: 'The SQL contains a NUL character (U+0000), which no database accepts in statement text' });

export const queryMethods = {
  createSession: defineMethod<{ sessionId: string }>()('query.createSession', z.object({ connectionId: id }), ['connectionId']),
  run: defineMethod<{ sessionId: string; runId: string }>()(
    'query.run',
    z.object({ sessionId: id, sql: sqlText, opts: runOptionsSchema.optional() }),
    ['sessionId', 'sql', 'opts'],
  ),
  cancel: defineMethod<{ cancelled: boolean }>()('query.cancel', z.object({ sessionId: id }), ['sessionId']),
  fetchMore: defineMethod<FetchMoreResult>()(
    'query.fetchMore',
    z.object({ sessionId: id, cursorToken: z.string().min(1).max(512) }),
    ['sessionId', 'cursorToken'],
  ),
  closeSession: defineMethod<Record<string, never>>()('query.closeSession', z.object({ sessionId: id }), ['sessionId']),
};

export const queryEvents = {
  result: defineEvent<QueryResultEvent>()('query.result', 'owner'),
  done: defineEvent<QueryDoneEvent>()('query.done', 'owner'),
  error: defineEvent<QueryErrorEvent>()('query.error', 'owner'),
};
