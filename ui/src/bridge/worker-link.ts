/**
 * The page's side of the bridge worker (bridge-socket.worker.ts): one worker for the page's lifetime, a WebSocket-
 * shaped handle for BridgeConnection, and the calls that reach the grid rows kept in the worker.
 */
import type { FromWorker, Row, RowsKey, ToWorker } from './worker-messages.js';

let worker: Worker | undefined;
const sockets = new Map<number, WorkerSocket>();
const rowRequests = new Map<number, (rows: Row[]) => void>();
let nextSocket = 1;
let nextRequest = 1;

function post(message: ToWorker): void {
  if (!worker) {
    worker = new Worker(new URL('./bridge-socket.worker.ts', import.meta.url), { type: 'module', name: 'bridge' });
    worker.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
  }
  worker.postMessage(message);
}

function receive(message: FromWorker): void {
  if (message.type === 'rows') {
    rowRequests.get(message.request)?.(message.rows);
    rowRequests.delete(message.request);
    return;
  }
  const socket = sockets.get(message.socket);
  if (!socket) return;
  if (message.type === 'open') socket.readyState = WorkerSocket.OPEN;
  if (message.type === 'close') {
    socket.readyState = WorkerSocket.CLOSED;
    sockets.delete(message.socket);
  }
  socket.deliver(message);
}

/** The subset of a WebSocket that BridgeConnection uses; the real socket is in the worker. */
export class WorkerSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  readyState = WorkerSocket.CONNECTING;
  onopen: (() => void) | null = null;
  /** `data` is the frame's text, or the already parsed message when the worker took a batch's rows out of it. */
  onmessage: ((event: { data: string | object }) => void) | null = null;
  onclose: (() => void) | null = null;
  readonly #id = nextSocket++;

  constructor(url: string) {
    sockets.set(this.#id, this);
    post({ type: 'open', socket: this.#id, url });
  }

  send(text: string): void {
    post({ type: 'send', socket: this.#id, text });
  }

  close(): void {
    post({ type: 'close', socket: this.#id });
  }

  deliver(message: FromWorker): void {
    if (message.type === 'open') this.onopen?.();
    else if (message.type === 'message') this.onmessage?.({ data: message.data });
    else if (message.type === 'close') this.onclose?.();
  }
}

/** Keep (or stop keeping) a session's result rows in the worker; its batches then arrive without them. */
export function keepRowsInWorker(sessionId: string, keep: boolean): void {
  // No worker means no socket in one (the desktop app's MessagePort link): batches reach the page whole, and starting
  // a worker here would only hold a thread that never sees a frame.
  if (!worker) return;
  post({ type: 'keepRows', sessionId, keep });
}

/** Rows `from`..`to` (exclusive) of a kept result set. */
export function rowsFromWorker(key: RowsKey, from: number, to: number): Promise<Row[]> {
  const request = nextRequest++;
  return new Promise((resolve) => {
    rowRequests.set(request, resolve);
    post({ type: 'rows', request, key, from, to });
  });
}
