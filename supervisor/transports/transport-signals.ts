import { HIGH_WATER_MARK, LOW_WATER_MARK } from './transport.js';

type Incoming = string | object;

/**
 * The event side every transport shares: message, drain and close handlers, with the guarantees the `Transport`
 * contract promises. A transport only feeds it (`deliver`, `noteBuffered`, `markClosed`).
 *
 * - Messages that arrive before the first `onMessage` handler is registered are queued, not lost: the acceptor may
 *   wire the router a tick after the peer started talking.
 * - Close is reported exactly once; a handler registered after the close still hears it (on a microtask).
 * - Drain is edge-triggered: it fires when the buffer falls below LOW_WATER_MARK after having been above
 *   HIGH_WATER_MARK, once per such episode.
 */
export class TransportSignals {
  readonly #messageHandlers: Array<(message: Incoming) => void> = [];
  readonly #drainHandlers: Array<() => void> = [];
  readonly #closeHandlers: Array<(reason: string) => void> = [];
  #queued: Incoming[] = [];
  #closedReason: string | undefined;
  #aboveHighWater = false;

  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  /** True between crossing HIGH_WATER_MARK and falling back under LOW_WATER_MARK. */
  get aboveHighWater(): boolean {
    return this.#aboveHighWater;
  }

  onMessage(handler: (message: Incoming) => void): void {
    this.#messageHandlers.push(handler);
    if (this.#queued.length === 0) return;
    const queued = this.#queued;
    this.#queued = [];
    for (const message of queued) handler(message);
  }

  onDrain(handler: () => void): void {
    this.#drainHandlers.push(handler);
  }

  onClose(handler: (reason: string) => void): void {
    if (this.#closedReason === undefined) {
      this.#closeHandlers.push(handler);
      return;
    }
    const reason = this.#closedReason;
    queueMicrotask(() => handler(reason));
  }

  deliver(message: Incoming): void {
    if (this.closed) return;
    if (this.#messageHandlers.length === 0) {
      this.#queued.push(message);
      return;
    }
    for (const handler of this.#messageHandlers) handler(message);
  }

  /**
   * Records the current buffer size (after a send, on the underlying 'drain', or on a poll). Returns true while the
   * transport is above its high-water mark, so the caller knows whether to keep watching for the way down.
   */
  noteBuffered(bytes: number): boolean {
    if (this.closed) return false;
    if (!this.#aboveHighWater) {
      if (bytes > HIGH_WATER_MARK) this.#aboveHighWater = true;
      return this.#aboveHighWater;
    }
    if (bytes >= LOW_WATER_MARK) return true;
    this.#aboveHighWater = false;
    for (const handler of this.#drainHandlers) handler();
    return false;
  }

  /** Returns false when the transport had already closed (the caller then has nothing to clean up twice). */
  markClosed(reason: string): boolean {
    if (this.#closedReason !== undefined) return false;
    this.#closedReason = reason;
    this.#queued = [];
    const handlers = this.#closeHandlers.splice(0);
    for (const handler of handlers) handler(reason);
    return true;
  }
}
