/**
 * A small typed JSON-RPC client for the bridge, usable from the UI (browser WebSocket, MessagePort) and from tests.
 * It knows nothing of the transport: give it a function that sends one serialized message, and feed it every
 * message received.
 */
import type { Envelope, JsonRpcErrorObject } from './envelope.js';
import { BridgeError } from './errors.js';
import type { EventByName, EventName, MethodByName, MethodName } from './index.js';
import type { EventParamsOf, ParamsInputOf, ResultOf } from './descriptor.js';

/** A JSON-RPC protocol fault (-326xx) returned by the bridge. */
export class RpcFault extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(error: JsonRpcErrorObject) {
    super(error.message);
    this.name = 'RpcFault';
    this.code = error.code;
    this.data = error.data;
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
type EventHandler = (params: unknown) => void;

export class BridgeClient {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<string, Set<EventHandler>>();

  constructor(private readonly sendText: (text: string) => void) {}

  /** Calls a method and returns its envelope as is. */
  request<N extends MethodName>(method: N, params: ParamsInputOf<MethodByName<N>>): Promise<Envelope<ResultOf<MethodByName<N>>>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.sendText(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      } catch (error) {
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  /** Calls a method and unwraps its envelope: resolves with `data`, rejects with a BridgeError. */
  async call<N extends MethodName>(method: N, params: ParamsInputOf<MethodByName<N>>): Promise<ResultOf<MethodByName<N>>> {
    const envelope = await this.request(method, params);
    if (envelope.ok) return envelope.data;
    throw BridgeError.from(envelope.error);
  }

  on<N extends EventName>(event: N, handler: (params: EventParamsOf<EventByName<N>>) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as EventHandler);
    return () => set.delete(handler as EventHandler);
  }

  /** Feed every message received from the bridge (text or an already-decoded object). */
  receive(message: string | object): void {
    const value: unknown = typeof message === 'string' ? JSON.parse(message) : message;
    for (const item of Array.isArray(value) ? value : [value]) this.#dispatch(item as Record<string, unknown>);
  }

  /** Rejects every pending call, e.g. when the transport closed. */
  failAll(reason: Error): void {
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
  }

  #dispatch(message: Record<string, unknown>): void {
    if (typeof message.method === 'string' && message.id === undefined) {
      for (const handler of this.#handlers.get(message.method) ?? []) handler(message.params);
      return;
    }
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
    if (!pending) return;
    this.#pending.delete(message.id as number);
    if ('error' in message) pending.reject(new RpcFault(message.error as JsonRpcErrorObject));
    else pending.resolve(message.result);
  }
}
