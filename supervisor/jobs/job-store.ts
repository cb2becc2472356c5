/**
 * The jobs table of app.db. Every status change is one transaction (with whatever must commit with it, such as the
 * backup row of a successful backup), so after a crash a job is in exactly one recorded state.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError, type BridgeErrorShape, type Job, type JobKind, type JobStatus } from '../../protocol/index.js';
import type { Db } from '../store/app-store.js';

interface Row {
  id: string;
  seq: number;
  kind: JobKind;
  status: JobStatus;
  connection_id: string | null;
  params: string;
  progress: number;
  error: string | null;
  attempts: number;
  schedule_id: string | null;
  scheduled_for: string | null;
  partial_path: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A job as the supervisor keeps it: the wire shape plus its params and the file it may leave half-written. */
export interface JobRecord extends Job {
  params: unknown;
  partialPath: string | null;
}

export interface NewJob {
  kind: JobKind;
  connectionId: string | null;
  params: unknown;
  scheduleId?: string;
  scheduledFor?: string;
}

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['success', 'failed', 'cancelled', 'interrupted']);

export class JobStore {
  constructor(private readonly db: Db) {}

  /** Inserts a queued job. A scheduled run that already has a job (same schedule and time) returns null. */
  insert(job: NewJob): JobRecord | null {
    const id = `job_${randomUUID()}`;
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO jobs (id, seq, kind, status, connection_id, params, schedule_id, scheduled_for, created_at)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM jobs), ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(id, job.kind, job.connectionId, JSON.stringify(job.params ?? null), job.scheduleId ?? null, job.scheduledFor ?? null, new Date().toISOString());
    return result.changes === 0 ? null : this.get(id);
  }

  find(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row && toRecord(row);
  }

  get(id: string): JobRecord {
    const found = this.find(id);
    if (!found) throw new BridgeError('JOB_NOT_FOUND', `No job with id ${id}`, { jobId: id });
    return found;
  }

  list(status?: JobStatus, limit = 500): JobRecord[] {
    const rows = (
      status === undefined
        ? this.db.prepare('SELECT * FROM jobs ORDER BY seq DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY seq DESC LIMIT ?').all(status, limit)
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Queued jobs, oldest first: the order they run in. */
  queued(): JobRecord[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq").all() as Row[]).map(toRecord);
  }

  markRunning(id: string, partialPath: string | null = null): void {
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, progress = 0, partial_path = ? WHERE id = ?")
        .run(new Date().toISOString(), partialPath, id);
    })();
  }

  /** Records the file a running job writes, before it writes it: a crash then knows what to remove. */
  setPartialPath(id: string, partialPath: string | null): void {
    this.db.prepare('UPDATE jobs SET partial_path = ? WHERE id = ?').run(partialPath, id);
  }

  setProgress(id: string, progress: number): void {
    this.db.prepare('UPDATE jobs SET progress = max(progress, ?) WHERE id = ?').run(progress, id);
  }

  /** A final status, with `within` (e.g. the backup row) in the same transaction. */
  finish(id: string, status: JobStatus, error: BridgeErrorShape | null, within?: () => void): void {
    this.db.transaction(() => {
      within?.();
      this.db
        .prepare(
          `UPDATE jobs SET status = ?, error = ?, finished_at = ?, partial_path = NULL,
             progress = CASE WHEN ? = 'success' THEN 100 ELSE progress END WHERE id = ?`,
        )
        .run(status, error ? JSON.stringify(error) : null, new Date().toISOString(), status, id);
    })();
  }

  /** A job the bridge's shutdown interrupted, queued again for the next start (its options asked for a retry). */
  requeue(id: string): void {
    this.db.prepare("UPDATE jobs SET status = 'queued', error = NULL, finished_at = NULL, partial_path = NULL, progress = 0 WHERE id = ?").run(id);
  }

  /**
   * At start: every job still `running` was running when the bridge died. Each becomes `interrupted`; those whose
   * options ask for it (and that have not been retried yet) are queued again. Returns the rewritten jobs, with the
   * partial files they may have left.
   */
  recoverInterrupted(shouldRetry: (job: JobRecord) => boolean): Array<{ job: JobRecord; requeued: boolean }> {
    return this.db.transaction(() => {
      const rows = (this.db.prepare("SELECT * FROM jobs WHERE status = 'running' ORDER BY seq").all() as Row[]).map(toRecord);
      const error = JSON.stringify({ code: 'INTERNAL', message: 'the bridge stopped while this job was running' });
      return rows.map((job) => {
        const requeued = shouldRetry(job);
        this.db
          .prepare('UPDATE jobs SET status = ?, error = ?, finished_at = ?, partial_path = NULL WHERE id = ?')
          .run(requeued ? 'queued' : 'interrupted', requeued ? null : error, requeued ? null : new Date().toISOString(), job.id);
        return { job, requeued };
      });
    })();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

export function toWireJob(record: JobRecord): Job {
  const { params: _params, partialPath: _partial, ...job } = record;
  return job;
}

function toRecord(row: Row): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    connectionId: row.connection_id,
    progress: row.progress,
    error: row.error ? (JSON.parse(row.error) as BridgeErrorShape) : null,
    attempts: row.attempts,
    scheduleId: row.schedule_id,
    scheduledFor: row.scheduled_for,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    params: JSON.parse(row.params) as unknown,
    partialPath: row.partial_path,
  };
}
