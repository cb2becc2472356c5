/**
 * Kept batches past the grid's head rows reach the page only as a count (batch-router.ts): a million streamed rows
 * are a thousand such messages, each a task on the page's main thread. The bridge worker holds them and posts them
 * together, at most every `delayMs`, as one message whose data is their array (protocol/client.ts takes an array like
 * a JSON-RPC batch). Anything else the worker posts flushes them first, so the page sees every message in the order
 * the bridge sent it.
 */
import type { FromWorker } from './worker-messages.js';

export class MessageCoalescer {
  #held: object[] = [];
  #socket = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly delayMs: number,
  ) {}

  hold(socket: number, message: object): void {
    if (this.#held.length > 0 && socket !== this.#socket) this.flush();
    this.#socket = socket;
    this.#held.push(message);
    this.#timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.post({ type: 'message', socket: this.#socket, data: held.length === 1 ? held[0]! : held });
  }
}
