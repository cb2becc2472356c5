/**
 * The heartbeat watchdog of one connection worker: every HEARTBEAT_INTERVAL_MS the supervisor sends a heartbeat,
 * which the worker's event loop echoes at once (workers/connection-worker.ts); any other message from it counts as an
 * answer too (under a large batch the echo waits its turn). A worker that has not answered for HEARTBEAT_DEADLINE_MS
 * is stuck — a synchronous loop in a driver, a runaway regular expression, a deadlock in native
 * code — and `onSilent` is called once: the ConnectionActor kills it, its runs end with WORKER_CRASHED, and the
 * connection restarts it with backoff (docs/reliability.md, "Blocked event loop").
 *
 * Two kinds of silence are not the worker's fault and are excused:
 * - `excused()` says so while the worker is inside a call of a driver that is synchronous by design (better-sqlite3:
 *   a long SQLite step blocks its loop legitimately). Runs on such a worker are watched per run instead, past their
 *   deadline (blocked-worker.machine.ts).
 * - the supervisor's own loop stalled (a tick came late): answers may be sitting unread, so the clock starts again.
 *
 * The silence is counted from the last answer, which came up to one interval before the worker blocked, and is looked
 * at once per interval: a blocked worker is killed 2–3 s after it blocked, and with the first restart's 100 ms
 * backoff replaced within 5 s.
 */

export const HEARTBEAT_INTERVAL_MS = 500;
export const HEARTBEAT_DEADLINE_MS = 2_500;

export interface WorkerWatchdogOptions {
  /** Sends heartbeat `seq` to the worker. */
  send(seq: number): void;
  /** The worker has been silent for `silentMs`; called at most once. */
  onSilent(silentMs: number): void;
  /** True while the worker may be silent without being stuck. */
  excused?(): boolean;
  intervalMs?: number;
  deadlineMs?: number;
  now?: () => number;
}

export class WorkerWatchdog {
  readonly #options: WorkerWatchdogOptions;
  readonly #intervalMs: number;
  readonly #deadlineMs: number;
  readonly #now: () => number;
  #seq = 0;
  #lastAnswerAt: number;
  #lastTickAt: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WorkerWatchdogOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.#deadlineMs = options.deadlineMs ?? HEARTBEAT_DEADLINE_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#lastAnswerAt = this.#now();
    this.#lastTickAt = this.#lastAnswerAt;
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    // The watchdog never keeps the supervisor alive on its own.
    this.#timer.unref();
    this.#options.send(++this.#seq);
  }

  /** The worker echoed heartbeat `seq`, or (seq 0) sent anything else: either proves its loop turns. */
  answered(seq: number): void {
    if (seq >= 0 && seq <= this.#seq) this.#lastAnswerAt = this.#now();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get stopped(): boolean {
    return this.#timer === undefined;
  }

  #tick(): void {
    const now = this.#now();
    const late = now - this.#lastTickAt > 2 * this.#intervalMs;
    this.#lastTickAt = now;
    if (late || this.#options.excused?.()) this.#lastAnswerAt = now;
    const silentMs = now - this.#lastAnswerAt;
    if (silentMs >= this.#deadlineMs) {
      this.stop();
      this.#options.onSilent(Math.round(silentMs));
      return;
    }
    this.#options.send(++this.#seq);
  }
}
