/**
 * Test clients for a running bridge over each transport. Every one is a BridgeClient (typed `call`/`request`/`on`)
 * that also records what it received, so a test can wait for events that may already have arrived — a run's first
 * `query.result` often lands before the `query.run` response is awaited.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { BridgeClient } from '../../protocol/client.js';
import type { QueryDoneEvent, QueryErrorEvent, QueryResultEvent } from '../../protocol/query.js';
import { createMessagePortTransport, type PortLike } from '../../supervisor/transports/message-port-transport.js';
import { createStdioTransport } from '../../supervisor/transports/stdio-transport.js';

export interface ClosedInfo {
  /** WebSocket close code, when the transport has one. */
  code?: number;
  reason: string;
}

export interface RunCollection {
  results: QueryResultEvent[];
  errors: QueryErrorEvent[];
  done: QueryDoneEvent;
}

interface Notification {
  method: string;
  params: unknown;
}

type Watcher = (notification: Notification) => void;

export class TestClient extends BridgeClient {
  /** Every message received, parsed (a batch stays an array); text that was not JSON is kept as the string. */
  readonly messages: unknown[] = [];
  /** Resolves once the transport is closed, from either side. */
  readonly closed: Promise<ClosedInfo>;
  readonly #notifications: Notification[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #closeWaiters = new Set<(info: ClosedInfo) => void>();
  #closedInfo: ClosedInfo | undefined;
  #markClosed!: (info: ClosedInfo) => void;

  constructor(
    sendText: (text: string) => void,
    /**
     * Sends text unchecked as one message, for malformed-input tests: a WebSocket text frame, one NDJSON line
     * (the '\n' is added), or a string posted on the port.
     */
    readonly raw: { send(text: string): void },
    private readonly closeTransport: () => Promise<void>,
  ) {
    super(sendText);
    this.closed = new Promise((resolve) => (this.#markClosed = resolve));
  }

  override receive(message: string | object): void {
    let value: unknown;
    try {
      value = typeof message === 'string' ? JSON.parse(message) : message;
    } catch {
      this.messages.push(message);
      return;
    }
    this.messages.push(value);
    super.receive(value as object);
    for (const item of Array.isArray(value) ? value : [value]) {
      const record = item as Record<string, unknown>;
      if (typeof record?.method !== 'string' || record.id !== undefined) continue;
      const notification = { method: record.method, params: record.params };
      this.#notifications.push(notification);
      for (const watcher of [...this.#watchers]) watcher(notification);
    }
  }

  /**
   * Resolves with the params of the first notification `method` (already received or still to come) that
   * satisfies `predicate`.
   */
  waitFor<P = unknown>(method: string, predicate: (params: P) => boolean = () => true, timeoutMs = 10_000): Promise<P> {
    return this.#watch(`${method}`, timeoutMs, (notification, resolve) => {
      if (notification.method === method && predicate(notification.params as P)) resolve(notification.params as P);
    });
  }

  /** Every `query.result` and `query.error` of one run, resolved when its `query.done` arrives. */
  collectRun(runId: string, timeoutMs = 30_000): Promise<RunCollection> {
    const results: QueryResultEvent[] = [];
    const errors: QueryErrorEvent[] = [];
    return this.#watch(`query.done of run ${runId}`, timeoutMs, (notification, resolve) => {
      const params = notification.params as { runId?: unknown };
      if (params?.runId !== runId) return;
      if (notification.method === 'query.result') results.push(notification.params as QueryResultEvent);
      else if (notification.method === 'query.error') errors.push(notification.params as QueryErrorEvent);
      else if (notification.method === 'query.done') resolve({ results, errors, done: notification.params as QueryDoneEvent });
    });
  }

  /** Closes the transport from the client side and waits until it is closed. */
  async close(): Promise<void> {
    if (!this.#closedInfo) await this.closeTransport();
    await this.closed;
  }

  /** Called by the transport glue below. */
  transportClosed(info: ClosedInfo): void {
    if (this.#closedInfo) return;
    this.#closedInfo = info;
    this.failAll(new Error(`transport closed: ${info.reason}`));
    for (const waiter of [...this.#closeWaiters]) waiter(info);
    this.#markClosed(info);
  }

  #watch<T>(what: string, timeoutMs: number, onNotification: (n: Notification, resolve: (value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        this.#closeWaiters.delete(onClose);
        action();
      };
      const watcher: Watcher = (n) => onNotification(n, (value) => finish(() => resolve(value)));
      const onClose = (info: ClosedInfo) => finish(() => reject(new Error(`closed (${info.reason}) while waiting for ${what}`)));
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
      for (const past of this.#notifications) {
        watcher(past);
        if (settled) return;
      }
      if (this.#closedInfo) return onClose(this.#closedInfo);
      this.#watchers.add(watcher);
      this.#closeWaiters.add(onClose);
    });
  }
}

/** An HTTP refusal of the WebSocket upgrade (401, 403, 429…). */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`websocket upgrade refused with HTTP ${status}`);
    this.name = 'UpgradeRefused';
  }
}

export interface ConnectWsOptions {
  /** Sent as the Origin header (browsers always send one; Node clients by default none). */
  origin?: string;
  /** Where the token goes: `?token=` (default, what browsers must use) or `Authorization: Bearer`. */
  tokenIn?: 'query' | 'header';
  headers?: Record<string, string>;
}

/** Opens a WebSocket to `url` (ws://host:port/rpc). Rejects with UpgradeRefused when the bridge answers with a status. */
export async function connectWs(url: string, token: string | undefined, options: ConnectWsOptions = {}): Promise<TestClient> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (token !== undefined && options.tokenIn === 'header') headers.authorization = `Bearer ${token}`;
  else if (token !== undefined) target.searchParams.set('token', token);
  const ws = new WebSocket(target, { headers, origin: options.origin, perMessageDeflate: false });

  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', (error) => {
      const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
      reject(status ? new UpgradeRefused(Number(status)) : error);
    });
  });

  const client = new TestClient(
    (text) => ws.send(text),
    { send: (text) => ws.send(text) },
    async () => {
      ws.close(1000);
    },
  );
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => client.receive(isBinary ? '<binary frame>' : String(data)));
  ws.on('close', (code, reason) => client.transportClosed({ code, reason: reason.toString() || `code ${code}` }));
  return client;
}

/** Talks NDJSON to a bridge child started with `--stdio` (its stdin and stdout must be pipes). */
export function stdioClient(child: ChildProcess): TestClient {
  if (!child.stdin || !child.stdout) throw new Error('stdioClient needs a child with piped stdin and stdout');
  const stdin = child.stdin;
  const transport = createStdioTransport(child.stdout, stdin);
  const client = new TestClient(
    (text) => transport.send(text),
    { send: (text) => stdin.write(text + '\n') },
    async () => {
      // Ending stdin is how a parent says goodbye; the bridge exits when its stdin ends.
      stdin.end();
      if (child.exitCode === null && child.signalCode === null) {
        await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      }
      transport.close('client closed');
    },
  );
  transport.onMessage((message) => client.receive(message));
  transport.onClose((reason) => client.transportClosed({ reason }));
  return client;
}

/** Talks to a bridge over a message port (Node's MessageChannel in tests, standing in for Electron's). */
export function portClient(port: PortLike): TestClient {
  const transport = createMessagePortTransport(port);
  const client = new TestClient(
    (text) => transport.send(text),
    { send: (text) => port.postMessage(text) },
    async () => transport.close('client closed'),
  );
  transport.onMessage((message) => client.receive(message));
  transport.onClose((reason) => client.transportClosed({ reason }));
  return client;
}
