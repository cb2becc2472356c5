/**
 * The bridge worker: the page's WebSocket to the bridge lives here, in a dedicated Web Worker, so that receiving a
 * million streamed rows — and keeping them — never blocks the main thread (docs/benchmarks.md, "UI"). Frames go
 * through the BatchRouter, which keeps the grid's rows as text and parses only the batches the grid shows; the page
 * asks for the rows it shows. protocol/client.ts stays on the page: this is only its transport.
 */
import { BatchRouter, isCountOnly } from './batch-router.js';
import { MessageCoalescer } from './message-coalescer.js';
import type { FromWorker, ToWorker } from './worker-messages.js';
import { RowStore } from '../results/row-store.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as WorkerScope;

const store = new RowStore();
const router = new BatchRouter(store);
let socket: { id: number; ws: WebSocket } | null = null;
/** Count-only batches reach the page at most once per frame. */
const counts = new MessageCoalescer((message) => scope.postMessage(message), 16);

function post(message: FromWorker): void {
  counts.flush();
  scope.postMessage(message);
}

function open(id: number, url: string): void {
  socket?.ws.close();
  const ws = new WebSocket(url);
  const current = { id, ws };
  socket = current;
  ws.onopen = () => post({ type: 'open', socket: id });
  ws.onmessage = (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    let data: string | object;
    try {
      data = router.incoming(event.data);
    } catch {
      // Not JSON: let the page's client see (and reject) it as it is.
      data = event.data;
    }
    if (isCountOnly(data)) counts.hold(id, data as object);
    else post({ type: 'message', socket: id, data });
  };
  ws.onclose = () => {
    if (socket === current) {
      socket = null;
      router.reset();
    }
    post({ type: 'close', socket: id });
  };
}

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'open':
      open(message.socket, message.url);
      break;
    case 'send':
      if (socket?.id === message.socket && socket.ws.readyState === WebSocket.OPEN) {
        try {
          router.outgoing(message.text);
        } catch {
          // Not ours to judge: the bridge answers a malformed request itself.
        }
        socket.ws.send(message.text);
      }
      break;
    case 'close':
      if (socket?.id === message.socket) socket.ws.close();
      break;
    case 'keepRows':
      store.keep(message.sessionId, message.keep);
      break;
    case 'rows':
      post({ type: 'rows', request: message.request, rows: store.read(message.key, message.from, message.to) });
      break;
  }
};
