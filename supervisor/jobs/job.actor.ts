/**
 * A running instance of job.machine.ts with its effects: the work is the job kind's runner (a piscina task behind
 * it), statuses go to app.db (one transaction each) and out as `job.status` / `backup.done` events.
 */
import { createActor, fromPromise, type Actor } from 'xstate';
import type { BackupMetadata, BridgeErrorShape, ExportResult, JobStatus } from '../../protocol/index.js';
import { jobMachine } from './job.machine.js';
import type { JobRecord } from './job-store.js';

/** What a finished task hands back: the rows to commit with the success transition, and what `backup.done` carries. */
export interface JobOutcome {
  metadata?: BackupMetadata;
  export?: ExportResult;
  /** Runs inside the success transaction (e.g. the backups row). */
  commit?: () => void;
}

export type JobRunFn = (job: JobRecord, signal: AbortSignal) => Promise<JobOutcome>;

export interface JobActorDeps {
  run: JobRunFn;
  /** Persists a status (one transaction) and announces it. `commit` runs in the same transaction. */
  record: (job: JobRecord, status: JobStatus, error: BridgeErrorShape | null, outcome: JobOutcome | null) => void;
}

export class JobActor {
  readonly #actor: Actor<typeof jobMachine>;
  readonly #abort = new AbortController();
  readonly done: Promise<JobStatus>;

  constructor(
    readonly job: JobRecord,
    deps: JobActorDeps,
  ) {
    const machine = jobMachine.provide({
      actors: {
        runTask: fromPromise<unknown, { jobId: string }>(() => deps.run(job, this.#abort.signal)),
      },
      actions: {
        recordStatus: ({ context }, params) => {
          const outcome = params.status === 'success' ? ((context.output as JobOutcome | null) ?? {}) : null;
          deps.record(job, params.status, context.error, outcome);
        },
        abortTask: () => this.#abort.abort(),
      },
    });
    this.#actor = createActor(machine, { input: { jobId: job.id } });
    this.done = new Promise((resolve) => {
      this.#actor.subscribe({
        complete: () => resolve(this.status()),
        error: () => resolve('failed'),
      });
    });
    this.#actor.start();
  }

  get id(): string {
    return this.job.id;
  }

  /** The job's status as the machine sees it. */
  status(): JobStatus {
    const value = this.#actor.getSnapshot().value;
    if (typeof value === 'object') return 'running';
    return value === 'detached' ? 'queued' : (value as JobStatus);
  }

  isActive(): boolean {
    return this.status() === 'running';
  }

  start(): void {
    this.#actor.send({ type: 'START' });
  }

  cancel(): void {
    this.#actor.send({ type: 'CANCEL' });
  }

  shutdown(): void {
    this.#actor.send({ type: 'SHUTDOWN' });
  }
}
