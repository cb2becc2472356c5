/**
 * Decides, in the bridge worker, what of each frame the page receives. Frames are parsed here, off the main thread.
 * Batches of a kept session (`query.result` events and `query.fetchMore` answers) leave their rows in the RowStore
 * and reach the page as the parsed message with only the head rows (KeptBatchFields); every other frame reaches it as
 * the text it came as, and protocol/client.ts handles it exactly as over a plain socket.
 */
import { HEAD_ROWS, type KeptBatchFields, type Row, type RowsKey } from './worker-messages.js';
import type { RowStore } from '../results/row-store.js';

interface BatchFields {
  sessionId?: unknown;
  runId?: unknown;
  resultSetIndex?: unknown;
  rows?: unknown;
}

export class BatchRouter {
  /** Request ids of pending `query.fetchMore` calls of kept sessions, and their session. */
  readonly #fetchMore = new Map<number, string>();

  constructor(private readonly store: RowStore) {}

  /** Notes a page's `query.fetchMore` call, so that its answer's rows can be kept. */
  outgoing(text: string): void {
    if (!text.includes('"query.fetchMore"')) return;
    const message = JSON.parse(text) as { id?: unknown; method?: unknown; params?: { sessionId?: unknown } };
    const sessionId = message.params?.sessionId;
    if (message.method === 'query.fetchMore' && typeof message.id === 'number' && typeof sessionId === 'string' && this.store.isKept(sessionId)) {
      this.#fetchMore.set(message.id, sessionId);
    }
  }

  /** What the page gets for a frame: the text itself, or the message with a kept batch's rows taken out. */
  incoming(text: string): string | object {
    const message = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(message) || typeof message !== 'object' || message === null) return text;
    if (message.method === 'query.result' && message.id === undefined) {
      const params = message.params as BatchFields;
      if (typeof params?.sessionId === 'string' && this.store.isKept(params.sessionId)) return { ...message, params: this.#keep(params, params.sessionId) };
      return text;
    }
    if (typeof message.id === 'number' && this.#fetchMore.has(message.id)) {
      const sessionId = this.#fetchMore.get(message.id)!;
      this.#fetchMore.delete(message.id);
      const result = message.result as { ok?: unknown; data?: BatchFields } | undefined;
      if (result?.ok === true && result.data) return { ...message, result: { ...result, data: this.#keep(result.data, sessionId) } };
    }
    return text;
  }

  /** The socket closed: its calls will get no answer. */
  reset(): void {
    this.#fetchMore.clear();
  }

  #keep(fields: BatchFields, sessionId: string): BatchFields & KeptBatchFields {
    const rows = Array.isArray(fields.rows) ? (fields.rows as Row[]) : [];
    const key: RowsKey = { sessionId, runId: String(fields.runId), resultSetIndex: typeof fields.resultSetIndex === 'number' ? fields.resultSetIndex : 0 };
    const before = this.store.append(key, rows);
    return { ...fields, rows: before < HEAD_ROWS ? rows.slice(0, HEAD_ROWS - before) : [], batchRows: rows.length };
  }
}
