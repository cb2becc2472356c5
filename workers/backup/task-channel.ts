/**
 * The task's end of its MessagePort: progress that only grows (throttled, with the final 100 always sent), the
 * pids of tools it starts, and the cancel the supervisor sends, turned into an AbortSignal every step listens to.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SupervisorMessage, TaskMessage } from '../channel/backup-task-types.js';

const PROGRESS_INTERVAL_MS = 100;

export class TaskChannel {
  readonly #abort = new AbortController();
  #percent = 0;
  #lastSent = 0;

  constructor(private readonly port: MessagePort) {
    port.on('message', (message: SupervisorMessage) => {
      if (message?.type === 'cancel') this.#abort.abort(new Error('cancelled'));
    });
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Reports progress in percent (0..100); a smaller value than already reported is ignored. */
  progress(percent: number, status: string, message?: string): void {
    const clamped = Math.max(0, Math.min(100, percent));
    if (clamped < this.#percent) return;
    const now = Date.now();
    if (clamped === this.#percent && clamped !== 100) return;
    if (clamped < 100 && now - this.#lastSent < PROGRESS_INTERVAL_MS) {
      this.#percent = clamped;
      return;
    }
    this.#percent = clamped;
    this.#lastSent = now;
    this.#send({ type: 'progress', percent: Math.round(clamped * 10) / 10, status, ...(message ? { message } : {}) });
  }

  spawned(pid: number, tool: string): void {
    this.#send({ type: 'spawned', pid, tool });
  }

  exited(pid: number): void {
    this.#send({ type: 'exited', pid });
  }

  close(): void {
    this.port.close();
  }

  #send(message: TaskMessage): void {
    this.port.postMessage(message);
  }
}
