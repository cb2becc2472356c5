import type { Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/**
 * The part of a message port the transport uses. Node's `worker_threads.MessagePort` and Electron's
 * `MessagePortMain` both satisfy it (their `on` accepts any event name through EventEmitter's signature).
 */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message' | 'close', listener: (value: unknown) => void): unknown;
  off?(event: 'message' | 'close', listener: (value: unknown) => void): unknown;
  start(): void;
  close(): void;
}

/**
 * A client behind a message port (the Electron renderer). docs/api.md ("MessagePort"): the bridge posts JSON text, the
 * very string a WebSocket frame would carry, so a result batch the worker serialized once is passed through untouched
 * and parsed only by the renderer (parsing it here and letting the port clone the objects cost the supervisor a
 * parse and a structured clone per batch). Incoming requests may be text or already structured objects.
 *
 * bufferedBytes() is always 0: postMessage hands the value to the peer's queue at once and neither Node nor
 * Electron exposes how much of it the peer has yet to read, so there is nothing to measure and onDrain never fires.
 * The peer is the app's own renderer, in the same trust domain; a hung renderer is the shell's concern.
 */
export function createMessagePortTransport(port: PortLike): Transport {
  const signals = new TransportSignals();

  const onMessage = (value: unknown) => {
    const message = unwrapEvent(value);
    if (typeof message === 'string' || (typeof message === 'object' && message !== null)) signals.deliver(message);
    // Anything else (a number, null) is not a JSON-RPC message; hand it on as text so the router answers it.
    else signals.deliver(JSON.stringify(message ?? null));
  };
  const onClose = () => close('port closed');

  port.on('message', onMessage);
  port.on('close', onClose);
  // Electron ports queue messages until start(); Node's start themselves when a listener is added.
  port.start();

  function close(reason: string): void {
    if (!signals.markClosed(reason)) return;
    port.off?.('message', onMessage);
    port.off?.('close', onClose);
    port.close();
  }

  return {
    kind: 'message-port',
    send(text) {
      if (signals.closed) return;
      port.postMessage(text);
    },
    bufferedBytes: () => 0,
    onMessage: (handler) => signals.onMessage(handler),
    onDrain: (handler) => signals.onDrain(handler),
    onClose: (handler) => signals.onClose(handler),
    close: (reason = 'closed by bridge') => close(reason),
  };
}

/**
 * Electron's MessagePortMain emits `{ data, ports }` events; Node's MessagePort emits the value itself. A JSON-RPC
 * message never has a top-level `ports` array, so the shape tells them apart.
 */
function unwrapEvent(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value && 'ports' in value
    && Array.isArray((value as { ports: unknown }).ports)) {
    return (value as { data: unknown }).data;
  }
  return value;
}
