/**
 * A minimal JSON-RPC 2.0 client over the bridge's WebSocket (or, for the desktop case, the renderer's end of a
 * MessagePort: overPort), behaving like a real client: every incoming message is parsed with JSON.parse (that cost
 * is part of what a user pays), results are unwrapped from the `{ok, data}` envelope, and notifications go to
 * whoever subscribed to their method.
 */
import WebSocket from 'ws';
import type { RendererPort } from '../utility-process/simulated-utility-process.js';

/** What the client needs of its transport. */
interface Link {
  send(text: string): void;
  close(): void;
  pause(): void;
  resume(): void;
}

type Notification = { method: string; params: Record<string, unknown> };
type Listener = (params: Record<string, unknown>) => void;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
}

export interface RunOutcome {
  rows: number;
  batches: number;
  /** Milliseconds from sending query.run to the first query.result (or query.done for an empty run). */
  firstBatchMs: number;
  totalMs: number;
  status: string;
}

export class RpcClient {
  readonly #link: Link;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #nextId = 1;

  private constructor(link: Link) {
    this.#link = link;
  }

  #closed(): void {
    for (const pending of this.#pending.values()) pending.reject(new Error('bridge connection closed'));
    this.#pending.clear();
  }

  static async connect(url: string, token: string): Promise<RpcClient> {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, maxPayload: 16 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new RpcClient({
      send: (text) => socket.send(text),
      close: () => socket.close(),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    });
    socket.on('message', (data) => client.#onFrame(data.toString()));
    socket.on('close', () => client.#closed());
    return client;
  }

  /** Over the renderer's end of a port pair (a simulated utilityProcess): the bridge posts JSON text on it. */
  static overPort(port: RendererPort): RpcClient {
    const unsupported = () => {
      throw new Error('a MessagePort cannot be paused: there is no back-pressure to apply');
    };
    const client = new RpcClient({ send: (text) => port.post(text), close: () => port.close(), pause: unsupported, resume: unsupported });
    port.onMessage((data) => client.#onFrame(data as string));
    port.onClose(() => client.#closed());
    return client;
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (data: unknown) => void, reject });
      this.#link.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  on(method: string, listener: Listener): () => void {
    let set = this.#listeners.get(method);
    if (!set) this.#listeners.set(method, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Stops reading from the socket (ws pauses the underlying TCP stream), so the bridge sees a slow client through
   * TCP back-pressure exactly as it would a real one; frames already received are still delivered.
   */
  pauseReading(): void {
    this.#link.pause();
  }

  resumeReading(): void {
    this.#link.resume();
  }

  /**
   * Runs one statement on a session and counts what arrives until its query.done. `onBatch` sees every batch's rows
   * (for a checksum or a reading-speed limit).
   */
  async runQuery(
    sessionId: string,
    sql: string,
    opts: Record<string, unknown>,
    onBatch?: (rows: unknown[]) => void,
  ): Promise<RunOutcome> {
    let rows = 0;
    let batches = 0;
    let firstAt = 0;
    // Unknown until query.run answers; a query.done arriving before that can only be this run's (one run per session).
    let runId: string | undefined = undefined;
    const early: Array<Record<string, unknown>> = [];
    const started = performance.now();
    const done = new Promise<string>((resolve, reject) => {
      const offResult = this.on('query.result', (p) => {
        if (p.sessionId !== sessionId) return;
        if (firstAt === 0) firstAt = performance.now();
        batches++;
        rows += (p.rows as unknown[]).length;
        onBatch?.(p.rows as unknown[]);
      });
      const offError = this.on('query.error', (p) => {
        if (p.sessionId === sessionId) early.push(p);
      });
      const offDone = this.on('query.done', (p) => {
        if (p.sessionId !== sessionId || (runId !== undefined && p.runId !== runId)) return;
        offResult();
        offError();
        offDone();
        if (p.status === 'error') reject(new Error(`query failed: ${JSON.stringify(early[0]?.error ?? p)}`));
        else resolve(String(p.status));
      });
    });
    const accepted = await this.call<{ runId: string }>('query.run', { sessionId, sql, opts });
    runId = accepted.runId;
    const status = await done;
    const ended = performance.now();
    return { rows, batches, firstBatchMs: (firstAt || ended) - started, totalMs: ended - started, status };
  }

  close(): void {
    this.#link.close();
  }

  #onFrame(text: string): void {
    const message = JSON.parse(text) as {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      result?: { ok: boolean; data?: unknown; error?: { code: string; message: string } };
      error?: { code: number; message: string };
    };
    if (message.method !== undefined) {
      const listeners = this.#listeners.get(message.method);
      if (listeners) for (const listener of [...listeners]) listener((message as Notification).params);
      return;
    }
    const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id!);
    if (message.error) pending.reject(new Error(`JSON-RPC ${message.error.code}: ${message.error.message}`));
    else if (message.result && !message.result.ok) {
      pending.reject(new Error(`${message.result.error?.code}: ${message.result.error?.message}`));
    } else pending.resolve(message.result?.data);
  }
}
