/**
 * The `timeoutMs` budget of a run. It is spent only while the worker is doing database work: the clock pauses while
 * the run waits for credit, so a client reading slowly (or paging) is not mistaken for a slow query.
 */
export class RunDeadline {
  readonly #onExpired: () => void;
  #remainingMs: number | undefined;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number | undefined, onExpired: () => void) {
    this.#onExpired = onExpired;
    this.#remainingMs = timeoutMs;
    this.resume();
  }

  pause(): void {
    if (this.#timer === undefined || this.#remainingMs === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remainingMs = Math.max(0, this.#remainingMs - (performance.now() - this.#startedAt));
  }

  resume(): void {
    if (this.#timer !== undefined || this.#remainingMs === undefined) return;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(() => {
      this.#remainingMs = undefined;
      this.#timer = undefined;
      this.#onExpired();
    }, this.#remainingMs);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remainingMs = undefined;
  }
}
