/**
 * Which runs of a schedule are due now, pure (the clock is a parameter; test/unit/scheduler covers it).
 *
 * Every run time from the stored `next_run_at` up to now is due. A run later than its grace (half the schedule's
 * period, at most a minute) was missed — the bridge was not running, or the machine slept — and the misfire policy
 * decides: `skip` drops missed runs, `run_once` runs one job (for the latest due time) for all of them, `run_all`
 * runs each (at most MAX_CATCH_UP). Runs within their grace always run.
 */
import type { MISFIRE_POLICIES } from '../../protocol/index.js';

export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export const MAX_GRACE_MS = 60_000;
export const MAX_CATCH_UP = 100;
/** A hard stop on walking a pattern through a long downtime (every second for a week is 600k steps). */
const MAX_STEPS = 100_000;

export interface DuePlan {
  /** Run times to enqueue now, oldest first. */
  runs: Date[];
  /** Run times dropped by the policy. */
  skipped: number;
  /** The next run after now. */
  nextRunAt: Date | null;
}

export function planDueRuns(nextRunAt: Date | null, policy: MisfirePolicy, now: Date, nextAfter: (from: Date) => Date | null): DuePlan {
  if (nextRunAt === null) return { runs: [], skipped: 0, nextRunAt: nextAfter(now) };
  const due: Date[] = [];
  let t: Date | null = nextRunAt;
  let steps = 0;
  while (t !== null && t.getTime() <= now.getTime() && steps++ < MAX_STEPS) {
    due.push(t);
    t = nextAfter(t);
  }
  if (t !== null && t.getTime() <= now.getTime()) t = nextAfter(now);
  if (due.length === 0) return { runs: [], skipped: 0, nextRunAt: t };

  const onTime = due.filter((run) => now.getTime() - run.getTime() <= graceMs(run, nextAfter));
  const missed = due.length - onTime.length;
  let runs: Date[];
  if (missed === 0) runs = due;
  else if (policy === 'skip') runs = onTime;
  else if (policy === 'run_once') runs = [due[due.length - 1]!];
  else runs = due.slice(-MAX_CATCH_UP);
  return { runs, skipped: due.length - runs.length, nextRunAt: t };
}

/** How late a run may start and still count as on time: half its period, at most MAX_GRACE_MS. */
export function graceMs(run: Date, nextAfter: (from: Date) => Date | null): number {
  const following = nextAfter(run);
  const period = following ? following.getTime() - run.getTime() : MAX_GRACE_MS * 2;
  return Math.min(MAX_GRACE_MS, period / 2);
}
