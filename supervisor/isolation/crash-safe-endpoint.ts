/**
 * The comlink endpoint the supervisor wraps. comlink 4.4 leaves a call pending forever when the worker dies; this
 * endpoint remembers the id of every request in flight and, when the worker is gone, answers each one itself with a
 * thrown BridgeError('WORKER_CRASHED'). Requests made after that are answered the same way at once.
 *
 * Once the worker is gone the endpoint also lets go of everything it reached. comlink's FinalizationRegistry holds
 * each proxy's endpoint strongly until that proxy is collected, and the proxy is held by the worker's handle, which
 * the handlers the pipe was given reach: an endpoint still reaching the pipe would keep the proxy — and the dead
 * worker's Worker or ChildProcess, its handlers and the connection actor behind them — alive for good
 * (test/integration/isolation/worker-release.test.ts; found by the soak's live-heap reading, docs/reliability.md).
 */
import type { BridgeError } from '../../protocol/index.js';
import { thrownResponse } from '../../workers/channel/error-transfer.js';
import { RpcChannelEndpoint } from '../../workers/channel/rpc-endpoint.js';

export class CrashSafeEndpoint extends RpcChannelEndpoint {
  readonly #inFlight = new Set<string>();
  #failure: BridgeError | undefined;
  /** Sends to the worker; dropped once the worker is gone. */
  #send: ((message: unknown) => void) | undefined;

  constructor(send: (message: unknown) => void) {
    super((message) => this.#post(message));
    this.#send = send;
  }

  /** Rejects every call in flight, and every later call, with `failure`. */
  fail(failure: BridgeError): void {
    if (this.#failure) return;
    // V8 keeps the functions of the stack an error was created on until its stack is formatted: format it now.
    void failure.stack;
    this.#failure = failure;
    this.#send = undefined;
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

  #post(message: unknown): void {
    const id = requestId(message);
    if (this.#failure) {
      // comlink registers its resolver before posting, so an answer in a microtask finds it.
      const failure = this.#failure;
      if (id !== undefined) queueMicrotask(() => super.deliver(thrownResponse(id, failure)));
      return;
    }
    if (id !== undefined) this.#inFlight.add(id);
    this.#send?.(message);
  }
}

function requestId(message: unknown): string | undefined {
  if (message === null || typeof message !== 'object') return undefined;
  const id = (message as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
