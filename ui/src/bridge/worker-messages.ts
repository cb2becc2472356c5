/**
 * What the page and its bridge worker (bridge-socket.worker.ts) say to each other. The worker owns the WebSocket and
 * parses every frame off the main thread; the rows of the result grid's sessions stay in the worker and the page asks
 * for the ones it shows (docs/benchmarks.md, "UI").
 */
import type { CellValue } from '../../../protocol/query.js';

export type Row = CellValue[];

/** Where a result set's rows are kept in the worker. */
export interface RowsKey {
  sessionId: string;
  runId: string;
  resultSetIndex: number;
}

export type ToWorker =
  /** Opens a socket (closing any previous one); its events carry `socket`. */
  | { type: 'open'; socket: number; url: string }
  | { type: 'send'; socket: number; text: string }
  | { type: 'close'; socket: number }
  /** The grid's sessions: their rows are kept in the worker instead of being sent to the page. */
  | { type: 'keepRows'; sessionId: string; keep: boolean }
  | { type: 'rows'; request: number; key: RowsKey; from: number; to: number };

export type FromWorker =
  | { type: 'open'; socket: number }
  | { type: 'close'; socket: number }
  /** A frame from the bridge: its text as received, or the parsed message after the worker took rows out of it. */
  | { type: 'message'; socket: number; data: string | object }
  /** The rows asked for (fewer, or none, when the set has fewer or is gone). */
  | { type: 'rows'; request: number; rows: Row[] };

/**
 * A `query.result` (or a `query.fetchMore` answer's data) of a kept session, as the page receives it: `rows` holds
 * only the rows that fall within the set's first HEAD_ROWS (enough to size the columns and show a small result without
 * a round trip), `batchRows` how many rows the batch really had.
 */
export interface KeptBatchFields {
  rows: Row[];
  batchRows: number;
}

export const HEAD_ROWS = 200;
