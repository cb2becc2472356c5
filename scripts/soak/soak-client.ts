/**
 * One soak client: the typed BridgeClient of protocol/client.ts over a WebSocket or over the bridge's stdin/stdout,
 * with a RunLedger checking every run's events, and a watch that no frame ever carries a connection's secret.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { BridgeClient } from '../../protocol/client.js';
import { BridgeError, type Envelope, type FetchMoreResult, type RunOptions } from '../../protocol/index.js';
import { RunLedger, type Report, type RunRecord, type RunOutcome } from './run-ledger.js';

export type TransportKind = 'websocket' | 'stdio';

export interface ClientHooks {
  report: Report;
  /** Values that must never appear in anything the bridge sends (connection passwords). */
  secrets: ReadonlySet<string>;
}

export interface StartedRun {
  runId: string;
  outcome: Promise<RunOutcome>;
}

export class SoakClient {
  readonly bridge: BridgeClient;
  readonly ledger: RunLedger;
  #closed = false;
  #pageIds = 0;
  readonly #pages = new Map<string, { record: RunRecord; resolve: (page: FetchMoreResult) => void; reject: (error: Error) => void }>();
  readonly #send: (text: string) => void;
  #close: () => void = () => undefined;
  #pause: (() => void) | undefined;
  #resume: (() => void) | undefined;

  private constructor(
    readonly name: string,
    readonly transport: TransportKind,
    send: (text: string) => void,
    readonly hooks: ClientHooks,
  ) {
    this.#send = send;
    this.bridge = new BridgeClient(send);
    this.ledger = new RunLedger(hooks.report);
    this.bridge.on('query.result', (event) => this.ledger.onResult(event));
    this.bridge.on('query.error', (event) => this.ledger.onError(event));
    this.bridge.on('query.done', (event) => this.ledger.onDone(event));
  }

  static async websocket(name: string, url: string, token: string, hooks: ClientHooks): Promise<SoakClient> {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, maxPayload: 16 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new SoakClient(name, 'websocket', (text) => socket.send(text), hooks);
    socket.on('message', (data) => client.#receive(data.toString()));
    socket.on('close', () => client.#gone('the WebSocket closed'));
    socket.on('error', () => undefined);
    client.#close = () => socket.terminate();
    client.#pause = () => socket.pause();
    client.#resume = () => socket.resume();
    return client;
  }

  /** The bridge's own stdin/stdout (it was started with --stdio): one client, for the bridge's whole life. */
  static stdio(name: string, child: ChildProcess, hooks: ClientHooks): SoakClient {
    const client = new SoakClient(name, 'stdio', (text) => child.stdin!.write(`${text}\n`), hooks);
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.trim() !== '') client.#receive(line);
    });
    child.stdout!.once('close', () => client.#gone('the bridge closed its stdout'));
    client.#pause = () => child.stdout!.pause();
    client.#resume = () => child.stdout!.resume();
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops reading (the bridge sees a slow client through back-pressure), and resumes. */
  pauseReading(): void {
    this.#pause?.();
  }

  resumeReading(): void {
    this.#resume?.();
  }

  /**
   * Sends query.run; resolves once it is accepted, with the run's outcome to wait for. `onRows` sees every batch's
   * rows, pushed (query.result) and pulled (query.fetchMore) alike, in order.
   */
  async run(sessionId: string, sql: string, opts: RunOptions, onRows: RunRecord['onRows']): Promise<StartedRun & { record: RunRecord }> {
    const record = this.ledger.expect(sessionId, onRows);
    let accepted: { runId: string };
    try {
      accepted = await this.bridge.call('query.run', { sessionId, sql, opts });
    } catch (error) {
      this.ledger.refused(record);
      throw error;
    }
    this.ledger.accepted(record, accepted.runId);
    return { runId: accepted.runId, outcome: record.outcome, record };
  }

  /**
   * query.fetchMore; the page goes through the run's checks like a pushed batch, at the moment its answer arrives —
   * not when the awaiting code resumes, which is after every other frame of the same read (the run's query.done among
   * them). So it has an id of its own, a string, which BridgeClient leaves alone.
   */
  fetchMore(record: RunRecord, cursorToken: string): Promise<FetchMoreResult> {
    const id = `page-${++this.#pageIds}`;
    return new Promise((resolve, reject) => {
      this.#pages.set(id, { record, resolve, reject });
      this.#send(JSON.stringify({ jsonrpc: '2.0', id, method: 'query.fetchMore', params: { sessionId: record.sessionId, cursorToken } }));
    });
  }

  /** Drops the connection at once, as a crashing or killed client would (no close handshake). */
  disconnect(): void {
    this.#close();
    this.#gone('disconnected by the soak');
  }

  #receive(text: string): void {
    for (const secret of this.hooks.secrets) {
      if (text.includes(secret)) this.hooks.report('no secret on the wire', `${this.name} received a frame carrying a connection password: ${text.slice(0, 200)}`);
    }
    const message = JSON.parse(text) as { id?: unknown; result?: Envelope<FetchMoreResult>; error?: { message: string } };
    const page = typeof message.id === 'string' ? this.#pages.get(message.id) : undefined;
    if (!page) {
      this.bridge.receive(message);
      return;
    }
    this.#pages.delete(message.id as string);
    if (message.result?.ok) {
      page.record.batch(message.result.data as FetchMoreResult & { resultSetIndex: number; batchIndex: number });
      page.resolve(message.result.data);
    } else page.reject(message.result ? BridgeError.from(message.result.error) : new Error(`query.fetchMore: ${message.error?.message}`));
  }

  #gone(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new Error(`${this.name}: ${reason}`);
    this.bridge.failAll(error);
    for (const page of this.#pages.values()) page.reject(error);
    this.#pages.clear();
    this.ledger.abandonAll(error);
  }
}
