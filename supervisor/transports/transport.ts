/**
 * One connected client's pipe, whatever carries it (WebSocket, stdio, MessagePort). Framing only: a transport
 * neither parses JSON-RPC nor knows methods. The router sees every client through this interface.
 */
export interface Transport {
  readonly kind: 'websocket' | 'stdio' | 'message-port';
  /**
   * Sends one serialized JSON-RPC message (a response, a batch of responses, or a notification).
   * Never throws after close; a message sent to a closed transport is dropped.
   */
  send(text: string): void;
  /** Bytes accepted by send() but not yet handed to the OS / peer. Drives flow control. */
  bufferedBytes(): number;
  /** Each incoming message: text to be parsed (WebSocket, stdio), or an already structured-cloned value (MessagePort). */
  onMessage(handler: (message: string | object) => void): void;
  /** Called once when the buffer falls back under the low-water mark after having been above the high-water mark. */
  onDrain(handler: () => void): void;
  /** Called once, when the peer goes away or close() was called. */
  onClose(handler: (reason: string) => void): void;
  close(reason?: string): void;
}

/**
 * Above this many buffered bytes a client is considered slow: its sessions stop receiving credit. What waits here is
 * JSON text on the supervisor's heap, and text that waits long enough to be promoted is only freed by a full GC, so a
 * slow reader's cost in memory is a few times this figure. 1 MiB still keeps a fast reader busy (the kernel's socket
 * buffers hold more beyond it); 4 MiB measured the same throughput and ~25 MiB more RSS (docs/benchmarks.md).
 */
export const HIGH_WATER_MARK = 1 * 1024 * 1024;
/** Credit resumes once the buffer drains below this. */
export const LOW_WATER_MARK = 256 * 1024;
/** docs/api.md ("WebSocket"): messages larger than this are refused (WebSocket close code 1009). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Where transports hand new clients. */
export type ClientAcceptor = (transport: Transport) => void;

/**
 * Delivered through `onMessage` in place of an incoming message a transport had to drop for being larger than
 * MAX_MESSAGE_BYTES (stdio; the WebSocket closes with 1009 instead). It is deliberately not valid JSON, so a router
 * that does not know it still answers a parse error (-32700 with id null); one that does can say why.
 */
export const OVERSIZED_MESSAGE = '\u0000dbv:oversized-message';
