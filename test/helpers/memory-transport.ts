/**
 * A Transport and its client end in one process, with no socket between them: unit tests drive the real Router
 * (and anything else that speaks through a Transport) over it. What the bridge sends is parsed and kept in order;
 * `next` waits for a matching message instead of sleeping.
 */
import type { Transport } from '../../supervisor/transports/transport.js';

export interface MemoryTransport extends Transport {
  /** What bufferedBytes() reports: a test plays a slow client by raising it. */
  buffered: number;
  /** Fires the drain handlers, as a transport does once its buffer fell under the low-water mark. */
  drain(): void;
}

export interface MemoryPeer {
  /** Everything the bridge sent, parsed, in order. */
  readonly messages: unknown[];
  /** Sends a message to the bridge: text as a socket would carry it, or an object as a MessagePort would. */
  send(message: string | object): void;
  /** Resolves with the first message (already received or still to come) that matches. */
  next<T = unknown>(match?: (message: T) => boolean): Promise<T>;
}

export function memoryTransportPair(): { transport: MemoryTransport; peer: MemoryPeer } {
  const messageHandlers: Array<(message: string | object) => void> = [];
  const drainHandlers: Array<() => void> = [];
  const closeHandlers: Array<(reason: string) => void> = [];
  const waiters: Array<{ match: (message: unknown) => boolean; resolve: (message: unknown) => void }> = [];
  const messages: unknown[] = [];
  let closed = false;

  const transport: MemoryTransport = {
    kind: 'message-port',
    buffered: 0,
    send(text) {
      if (closed) return;
      const message: unknown = JSON.parse(text);
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    },
    bufferedBytes: () => transport.buffered,
    onMessage: (handler) => void messageHandlers.push(handler),
    onDrain: (handler) => void drainHandlers.push(handler),
    onClose: (handler) => void closeHandlers.push(handler),
    close(reason = 'closed') {
      if (closed) return;
      closed = true;
      for (const handler of closeHandlers) handler(reason);
    },
    drain() {
      for (const handler of drainHandlers) handler();
    },
  };

  const peer: MemoryPeer = {
    messages,
    send(message) {
      for (const handler of messageHandlers) handler(message);
    },
    next<T>(match: (message: T) => boolean = () => true): Promise<T> {
      const seen = messages.find((m) => match(m as T));
      if (seen !== undefined) return Promise.resolve(seen as T);
      return new Promise<T>((resolve) => {
        waiters.push({ match: match as (m: unknown) => boolean, resolve: resolve as (m: unknown) => void });
      });
    },
  };
  return { transport, peer };
}
