/**
 * Decides, in the bridge worker, what of each frame the page receives. Batches of a kept session (`query.result`
 * events and `query.fetchMore` answers) leave their rows in the RowStore — as the text they came as, parsed only when
 * the grid shows them (batch-frame.ts) — and reach the page as the parsed head with only the head rows
 * (KeptBatchFields); every other frame reaches it as the text it came as, and protocol/client.ts handles it exactly as
 * over a plain socket.
 */
import { splitBatchFrame } from './batch-frame.js';
import { HEAD_ROWS, type KeptBatchFields, type Row, type RowsKey } from './worker-messages.js';
import type { RowStore } from '../results/row-store.js';

interface BatchFields {
  sessionId?: unknown;
  runId?: unknown;
  resultSetIndex?: unknown;
  rowCount?: unknown;
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
    const batch = splitBatchFrame(text);
    if (!batch) {
      // A fetchMore answered with an error has no rows: forget the call all the same.
      if (this.#fetchMore.size > 0) this.#forgetAnswered(text);
      return text;
    }
    const { head: message, rowsText } = batch;
    if (message.method === 'query.result' && message.id === undefined) {
      const params = message.params as BatchFields;
      if (typeof params?.sessionId === 'string' && this.store.isKept(params.sessionId)) return { ...message, params: this.#keep(params, rowsText, params.sessionId) };
      return text;
    }
    if (typeof message.id === 'number' && this.#fetchMore.has(message.id)) {
      const sessionId = this.#fetchMore.get(message.id)!;
      this.#fetchMore.delete(message.id);
      const result = message.result as { ok?: unknown; data?: BatchFields } | undefined;
      if (result?.ok === true && result.data) return { ...message, result: { ...result, data: this.#keep(result.data, rowsText, sessionId) } };
    }
    return text;
  }

  /** The socket closed: its calls will get no answer. */
  reset(): void {
    this.#fetchMore.clear();
  }

  #forgetAnswered(text: string): void {
    try {
      const { id } = JSON.parse(text) as { id?: unknown };
      if (typeof id === 'number') this.#fetchMore.delete(id);
    } catch {
      // Not JSON: nobody's answer.
    }
  }

  #keep(fields: BatchFields, rowsText: string, sessionId: string): BatchFields & KeptBatchFields {
    const key: RowsKey = { sessionId, runId: String(fields.runId), resultSetIndex: typeof fields.resultSetIndex === 'number' ? fields.resultSetIndex : 0 };
    // A batch without rowCount (not this bridge's) is counted by parsing it.
    const count = typeof fields.rowCount === 'number' ? fields.rowCount : (JSON.parse(rowsText) as Row[]).length;
    const before = this.store.append(key, rowsText, count);
    const head = before < HEAD_ROWS ? this.store.read(key, before, Math.min(before + count, HEAD_ROWS)) : [];
    return { ...fields, rows: head, batchRows: count };
  }
}

/**
 * A streamed batch (a `query.result` event) of a kept session that brings the page no rows, only its count: it may
 * wait a moment (message-coalescer.ts). A `query.fetchMore` answer never waits: the page's next pull awaits it.
 */
export function isCountOnly(data: string | object): boolean {
  if (typeof data === 'string') return false;
  const fields = (data as { params?: Partial<KeptBatchFields> }).params;
  return fields?.batchRows !== undefined && fields.rows?.length === 0;
}
