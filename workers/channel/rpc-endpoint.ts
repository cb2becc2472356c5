/**
 * A comlink Endpoint over the 'rpc' channel of the worker pipe. Both ends use it: the worker exposes its WorkerApi on
 * one, the supervisor wraps one (inside its crash-safe endpoint). comlink only needs postMessage and 'message'
 * listeners that receive `{ data }`; transfer lists are never used (nothing is proxied across the boundary).
 */
import type { Endpoint } from 'comlink';

type Listener = Parameters<Endpoint['addEventListener']>[1];

export class RpcChannelEndpoint implements Endpoint {
  readonly #post: (message: unknown) => void;
  readonly #listeners = new Set<Listener>();

  constructor(post: (message: unknown) => void) {
    this.#post = post;
  }

  postMessage(message: unknown): void {
    this.#post(message);
  }

  addEventListener(_type: string, listener: Listener): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: string, listener: Listener): void {
    this.#listeners.delete(listener);
  }

  /** Hands one message that arrived on the 'rpc' channel to comlink. */
  deliver(data: unknown): void {
    const event = { data } as MessageEvent;
    for (const listener of [...this.#listeners]) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  }
}
