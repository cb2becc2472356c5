/**
 * The comlink endpoint the supervisor wraps. comlink 4.4 leaves a call pending forever when the worker dies; this
 * endpoint remembers the id of every request in flight and, when the worker is gone, answers each one itself with a
 * thrown BridgeError('WORKER_CRASHED'). Requests made after that are answered the same way at once.
 */
import type { BridgeError } from '../../protocol/index.js';
import { thrownResponse } from '../../workers/channel/error-transfer.js';
import { RpcChannelEndpoint } from '../../workers/channel/rpc-endpoint.js';

export class CrashSafeEndpoint extends RpcChannelEndpoint {
  readonly #inFlight = new Set<string>();
  #failure: BridgeError | undefined;

  constructor(post: (message: unknown) => void) {
    super((message) => this.#post(post, message));
  }

  /** Rejects every call in flight, and every later call, with `failure`. */
  fail(failure: BridgeError): void {
    if (this.#failure) return;
    this.#failure = failure;
    const ids = [...this.#inFlight];
    this.#inFlight.clear();
    for (const id of ids) super.deliver(thrownResponse(id, failure));
  }

  override deliver(data: unknown): void {
    const id = requestId(data);
    if (id !== undefined) this.#inFlight.delete(id);
    super.deliver(data);
  }

  get pendingCalls(): number {
    return this.#inFlight.size;
  }

  #post(post: (message: unknown) => void, message: unknown): void {
    const id = requestId(message);
    if (this.#failure) {
      // comlink registers its resolver before posting, so an answer in a microtask finds it.
      const failure = this.#failure;
      if (id !== undefined) queueMicrotask(() => super.deliver(thrownResponse(id, failure)));
      return;
    }
    if (id !== undefined) this.#inFlight.add(id);
    post(message);
  }
}

function requestId(message: unknown): string | undefined {
  if (message === null || typeof message !== 'object') return undefined;
  const id = (message as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
