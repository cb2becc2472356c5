/**
 * Runs the supervisor's stream work (relaying result batches, ending runs) in slices of about a millisecond, in the
 * event loop's check phase, rather than all at once inside the callback that delivers worker messages.
 *
 * Why: a worker's port hands over every message queued on it in one callback. Under load — twenty sessions on four
 * workers, cores busy with the databases and the client — the main thread comes back from a pause to dozens of
 * queued batches, and relaying them all at once kept a `health.ping` or a `query.cancel` waiting for several
 * milliseconds (docs/benchmarks.md, "Concurrency"). Between two slices the event loop polls its sockets again, so a
 * request waits for one slice at most. One FIFO for every worker keeps each run's batches in order and before its
 * end, and a worker's exit behind the messages it sent before dying.
 */
export const DEFAULT_SLICE_MS = 1;

export class RelayScheduler {
  readonly #sliceMs: number;
  readonly #onError: (error: unknown) => void;
  #tasks: Array<() => void> = [];
  #scheduled = false;

  /** `onError` gets what a task throws; by default it is rethrown, as it would be from the message callback. */
  constructor(sliceMs = DEFAULT_SLICE_MS, onError: (error: unknown) => void = rethrow) {
    this.#sliceMs = sliceMs;
    this.#onError = onError;
  }

  get pending(): number {
    return this.#tasks.length;
  }

  enqueue(task: () => void): void {
    this.#tasks.push(task);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#tasks.length === 0) return;
    this.#scheduled = true;
    setImmediate(this.#runSlice);
  }

  readonly #runSlice = (): void => {
    this.#scheduled = false;
    const until = performance.now() + this.#sliceMs;
    try {
      // At least one task per slice, so a slow task cannot stall the queue.
      do {
        const task = this.#tasks.shift()!;
        try {
          task();
        } catch (error) {
          this.#onError(error);
        }
      } while (this.#tasks.length > 0 && performance.now() < until);
    } finally {
      // A task that threw still leaves the rest of the queue to run.
      this.#schedule();
    }
  };
}

function rethrow(error: unknown): never {
  throw error;
}

/** The supervisor's one queue: slicing only works if every worker's stream work shares it. */
export const relayScheduler = new RelayScheduler();
