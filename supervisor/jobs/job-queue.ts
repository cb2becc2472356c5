/**
 * The job queue: jobs wait in app.db order and run at most `concurrency` at a time (default 2). Each job is a
 * JobActor; this class only decides when one starts, and recovers what a crash left behind at start.
 */
import { rmSync } from 'node:fs';
import type { BridgeErrorShape, JobStatus, JobStatusEvent } from '../../protocol/index.js';
import type { Logger } from '../log/logger.js';
import { JobActor, type JobOutcome, type JobRunFn } from './job.actor.js';
import { FINAL_STATUSES, type JobRecord, type JobStore, type NewJob } from './job-store.js';

export const DEFAULT_JOB_CONCURRENCY = 2;

export interface JobQueueOptions {
  store: JobStore;
  /** The work of one job, by its kind. */
  run: JobRunFn;
  concurrency?: number;
  log: Logger;
  onStatus: (event: JobStatusEvent, job: JobRecord, outcome: JobOutcome | null) => void;
  /** Called once the success / failure is committed (retention, for example). */
  afterFinish?: (job: JobRecord, status: JobStatus) => void;
}

export class JobQueue {
  readonly #actors = new Map<string, JobActor>();
  readonly #waiting: string[] = [];
  readonly #concurrency: number;
  #closed = false;

  constructor(private readonly opts: JobQueueOptions) {
    this.#concurrency = opts.concurrency ?? DEFAULT_JOB_CONCURRENCY;
  }

  /**
   * At start: jobs app.db still calls `running` lost their bridge. Their partial files are removed; each becomes
   * `interrupted`, or `queued` again when its options say `retryOnInterrupt` and it ran only once. Then every queued
   * job (old and requeued) gets its actor, in order.
   */
  recover(): void {
    const recovered = this.opts.store.recoverInterrupted((job) => retryAsked(job) && job.attempts < 2);
    for (const { job, requeued } of recovered) {
      if (job.partialPath) removePartial(job.partialPath);
      this.opts.log.warn({ jobId: job.id, kind: job.kind, requeued, removed: job.partialPath }, 'job interrupted by a bridge stop');
      if (!requeued) this.opts.onStatus({ jobId: job.id, kind: job.kind, status: 'interrupted' }, job, null);
    }
    for (const job of this.opts.store.queued()) this.#adopt(job);
    this.#pump();
  }

  /** Inserts and queues a job; null when a scheduled run already has one. */
  submit(newJob: NewJob): JobRecord | null {
    const job = this.opts.store.insert(newJob);
    if (!job) return null;
    this.opts.onStatus({ jobId: job.id, kind: job.kind, status: 'queued' }, job, null);
    this.#adopt(job);
    this.#pump();
    return job;
  }

  /** true when the job was queued or running and is now being cancelled. Throws JOB_NOT_FOUND for an unknown id. */
  cancel(jobId: string): boolean {
    const actor = this.#actors.get(jobId);
    if (!actor) {
      this.opts.store.get(jobId);
      return false;
    }
    const status = actor.status();
    if (FINAL_STATUSES.has(status)) return false;
    actor.cancel();
    return true;
  }

  /** Live jobs (queued or running) for debug.dumpState. */
  live(): JobActor[] {
    return [...this.#actors.values()];
  }

  runningCount(): number {
    let n = 0;
    for (const actor of this.#actors.values()) if (actor.isActive()) n++;
    return n;
  }

  /** Graceful stop: running jobs are aborted and recorded `interrupted`; queued ones stay queued for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    const actors = [...this.#actors.values()];
    for (const actor of actors) actor.shutdown();
    await Promise.all(actors.map((a) => a.done));
  }

  #adopt(job: JobRecord): void {
    const actor = new JobActor(job, {
      run: this.opts.run,
      record: (record, status, error, outcome) => this.#record(record, status, error, outcome),
    });
    this.#actors.set(job.id, actor);
    this.#waiting.push(job.id);
    void actor.done.then((status) => {
      this.#actors.delete(job.id);
      const at = this.#waiting.indexOf(job.id);
      if (at >= 0) this.#waiting.splice(at, 1);
      if (status !== 'queued') this.opts.afterFinish?.(job, status);
      this.#pump();
    });
  }

  #record(job: JobRecord, status: JobStatus, error: BridgeErrorShape | null, outcome: JobOutcome | null): void {
    // A graceful shutdown interrupts like a crash does: a job that asked for it runs once more at the next start.
    if (status === 'interrupted' && retryAsked(job) && this.opts.store.get(job.id).attempts < 2) {
      this.opts.store.requeue(job.id);
      this.opts.onStatus({ jobId: job.id, kind: job.kind, status: 'queued' }, job, null);
      return;
    }
    if (status === 'running') this.opts.store.markRunning(job.id);
    else this.opts.store.finish(job.id, status, error, outcome?.commit);
    const event: JobStatusEvent = { jobId: job.id, kind: job.kind, status, ...(error && status === 'failed' ? { error } : {}) };
    this.opts.onStatus(event, job, outcome);
  }

  #pump(): void {
    if (this.#closed) return;
    while (this.runningCount() < this.#concurrency && this.#waiting.length > 0) {
      const next = this.#actors.get(this.#waiting.shift()!);
      next?.start();
    }
  }
}

function retryAsked(job: JobRecord): boolean {
  const params = job.params as { options?: { retryOnInterrupt?: boolean } } | null;
  return params?.options?.retryOnInterrupt === true;
}

/**
 * A partial file and what SQLite keeps beside it while writing one (a SQLite backup killed mid-copy leaves
 * `<partial>-journal`, found by test/fault/supervisor-sigkill-schedule.test.ts).
 */
function removePartial(partialPath: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partialPath}${suffix}`, { force: true });
}
