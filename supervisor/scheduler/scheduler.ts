/**
 * Runs backup schedules. app.db is the truth: each schedule's `next_run_at` is stored, a due run is enqueued as a job
 * with a unique (schedule_id, scheduled_for) in the same transaction that moves `next_run_at` on — so a run is
 * enqueued at most once, across restarts and crashes. At start (and after a long sleep) the runs missed meanwhile
 * follow the schedule's misfire policy (misfire.ts). One timer, set for the earliest next run, at most a minute out.
 */
import { rmSync } from 'node:fs';
import type { JobStatus, Schedule } from '../../protocol/index.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRecord } from '../jobs/job-store.js';
import type { Logger } from '../log/logger.js';
import type { BackupsRepo } from '../store/backups-repo.js';
import { parseCron } from './cron.js';
import { planDueRuns } from './misfire.js';
import type { SchedulesRepo, StoredSchedule } from './schedules-repo.js';

const MAX_TIMER_MS = 60_000;
const UPCOMING_COUNT = 5;

export interface SchedulerOptions {
  schedules: SchedulesRepo;
  backups: BackupsRepo;
  queue: JobQueue;
  log: Logger;
  /** A schedule whose connection was deleted enqueues nothing (its runs pass by, logged). */
  connectionExists: (connectionId: string) => boolean;
  now?: () => Date;
}

export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #now: () => Date;

  constructor(private readonly opts: SchedulerOptions) {
    this.#now = opts.now ?? (() => new Date());
  }

  start(): void {
    this.#running = true;
    this.tick();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** Enqueues every due run (by policy) and re-arms the timer. Public for tests that drive the clock. */
  tick(): void {
    clearTimeout(this.#timer);
    const now = this.#now();
    for (const schedule of this.opts.schedules.list()) {
      if (!schedule.enabled) continue;
      try {
        this.#fire(schedule, now);
      } catch (error) {
        this.opts.log.error({ scheduleId: schedule.id, err: error }, 'schedule could not be run');
      }
    }
    if (this.#running) this.#arm(now);
  }

  /** The wire shape, with the next runs listed for display. */
  view(schedule: StoredSchedule): Schedule {
    const upcoming = schedule.enabled ? parseCron(schedule.cron, schedule.timezone).upcoming(this.#now(), UPCOMING_COUNT).map((d) => d.toISOString()) : [];
    return { ...schedule, upcoming };
  }

  /** The next `count` runs of a pattern in a zone, from now (schedule.preview); throws INVALID_PARAMS like parseCron. */
  preview(cron: string, timezone: string, count: number): string[] {
    return parseCron(cron, timezone).upcoming(this.#now(), count).map((d) => d.toISOString());
  }

  /** The first run of a new or changed schedule. */
  firstRun(cron: string, timezone: string): string | null {
    return parseCron(cron, timezone).nextAfter(this.#now())?.toISOString() ?? null;
  }

  /** Retention: after a scheduled backup succeeds, its schedule keeps only its newest N backups. */
  afterJob(job: JobRecord, status: JobStatus): void {
    if (status !== 'success' || job.kind !== 'backup' || !job.scheduleId) return;
    const schedule = this.opts.schedules.find(job.scheduleId);
    if (!schedule?.retention) return;
    for (const old of this.opts.backups.beyondRetention(schedule.id, schedule.retention)) {
      rmSync(old.path, { force: true });
      this.opts.backups.delete(old.id);
      this.opts.log.info({ scheduleId: schedule.id, backupId: old.id }, 'backup removed by the schedule\'s retention');
    }
  }

  #fire(schedule: StoredSchedule, now: Date): void {
    const rule = parseCron(schedule.cron, schedule.timezone);
    const next = schedule.nextRunAt ? new Date(schedule.nextRunAt) : null;
    const plan = planDueRuns(next, schedule.misfire, now, (from) => rule.nextAfter(from));
    if (plan.runs.length > 0 && !this.opts.connectionExists(schedule.connectionId)) {
      this.opts.log.warn({ scheduleId: schedule.id, connectionId: schedule.connectionId }, 'scheduled backup of a deleted connection not run');
      plan.skipped += plan.runs.length;
      plan.runs = [];
    }
    if (plan.runs.length === 0 && plan.nextRunAt?.toISOString() === schedule.nextRunAt) return;
    this.opts.schedules.transaction(() => {
      for (const run of plan.runs) {
        const job = this.opts.queue.submit({
          kind: 'backup',
          connectionId: schedule.connectionId,
          params: { options: schedule.options },
          scheduleId: schedule.id,
          scheduledFor: run.toISOString(),
        });
        if (!job) this.opts.log.warn({ scheduleId: schedule.id, scheduledFor: run.toISOString() }, 'scheduled run already enqueued; not twice');
      }
      const last = plan.runs.at(-1)?.toISOString() ?? null;
      this.opts.schedules.setRunTimes(schedule.id, plan.nextRunAt?.toISOString() ?? null, last);
    });
    if (plan.skipped > 0) this.opts.log.warn({ scheduleId: schedule.id, skipped: plan.skipped, policy: schedule.misfire }, 'missed schedule runs not run (misfire policy)');
  }

  #arm(now: Date): void {
    let earliest = Infinity;
    for (const s of this.opts.schedules.list()) {
      if (s.enabled && s.nextRunAt) earliest = Math.min(earliest, new Date(s.nextRunAt).getTime());
    }
    const delay = Math.max(0, Math.min(MAX_TIMER_MS, earliest - now.getTime()));
    this.#timer = setTimeout(() => this.tick(), delay);
    this.#timer.unref();
  }
}
