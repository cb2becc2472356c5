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
/** Due times walked one by one; past this, a downtime is planned without visiting each (planLongDowntime). */
const MAX_WALK = MAX_CATCH_UP;

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
  // Walk the due times, but not through a long downtime one by one: croner takes milliseconds per step, and a
  // minutely schedule after a week away would block the supervisor for seconds.
  const due: Date[] = [];
  let t: Date | null = nextRunAt;
  while (t !== null && t.getTime() <= now.getTime() && due.length <= MAX_WALK) {
    due.push(t);
    t = nextAfter(t);
  }
  if (t !== null && t.getTime() <= now.getTime()) return planLongDowntime(nextRunAt, policy, now, nextAfter);
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

/** More due times than MAX_WALK: find the latest directly and, for run_all, walk only the last MAX_CATCH_UP. */
function planLongDowntime(stored: Date, policy: MisfirePolicy, now: Date, nextAfter: (from: Date) => Date | null): DuePlan {
  const latest = latestAtOrBefore(now, nextAfter) ?? stored;
  const following = nextAfter(latest);
  const period = following ? following.getTime() - latest.getTime() : MAX_GRACE_MS * 2;
  const approxDue = Math.max(1, Math.round((now.getTime() - stored.getTime()) / period));
  let runs: Date[];
  if (policy === 'skip') runs = now.getTime() - latest.getTime() <= graceMs(latest, nextAfter) ? [latest] : [];
  else if (policy === 'run_once') runs = [latest];
  else {
    runs = [];
    let t = nextAfter(new Date(Math.max(stored.getTime() - 1, latest.getTime() - period * MAX_CATCH_UP - 1)));
    while (t !== null && t.getTime() <= latest.getTime()) {
      runs.push(t);
      t = nextAfter(t);
    }
    runs = runs.slice(-MAX_CATCH_UP);
  }
  return { runs, skipped: Math.max(0, approxDue - runs.length), nextRunAt: nextAfter(now) };
}

/**
 * The last run time at or before `now`, found by widening a window back from now: the first window holding a run
 * holds at most a couple, so this costs a few dozen steps whatever the downtime.
 */
function latestAtOrBefore(now: Date, nextAfter: (from: Date) => Date | null): Date | null {
  for (let span = 1000; span < 400 * 86_400_000; span *= 2) {
    let t = nextAfter(new Date(now.getTime() - span));
    if (t === null || t.getTime() > now.getTime()) continue;
    for (let n = nextAfter(t); n !== null && n.getTime() <= now.getTime(); n = nextAfter(n)) t = n;
    return t;
  }
  return null;
}

/** How late a run may start and still count as on time: half its period, at most MAX_GRACE_MS. */
export function graceMs(run: Date, nextAfter: (from: Date) => Date | null): number {
  const following = nextAfter(run);
  const period = following ? following.getTime() - run.getTime() : MAX_GRACE_MS * 2;
  return Math.min(MAX_GRACE_MS, period / 2);
}
