/** The scheduler's due-run planning with an injected clock: on-time runs, and each misfire policy after a downtime. */
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../supervisor/scheduler/cron.js';
import { graceMs, planDueRuns } from '../../../supervisor/scheduler/misfire.js';
import { BridgeError } from '../../../protocol/index.js';

const hourly = parseCron('0 * * * *', 'UTC');
const next = (from: Date) => hourly.nextAfter(from);
const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('planDueRuns', () => {
  it('runs nothing before the next run time, and keeps it', () => {
    const plan = planDueRuns(at('2025-01-01T10:00:00Z'), 'skip', at('2025-01-01T09:59:59Z'), next);
    expect(plan).toEqual({ runs: [], skipped: 0, nextRunAt: at('2025-01-01T10:00:00Z') });
  });

  it('runs a run that is due now (within its grace) whatever the policy, and moves on to the next', () => {
    for (const policy of ['skip', 'run_once', 'run_all'] as const) {
      const plan = planDueRuns(at('2025-01-01T10:00:00Z'), policy, at('2025-01-01T10:00:00.250Z'), next);
      expect(iso(plan.runs), policy).toEqual(['2025-01-01T10:00:00.000Z']);
      expect(plan.nextRunAt).toEqual(at('2025-01-01T11:00:00Z'));
    }
  });

  it('after a downtime over three run times: skip runs none, run_once one (the latest), run_all each', () => {
    const stored = at('2025-01-01T10:00:00Z');
    const now = at('2025-01-01T12:30:00Z');
    expect(planDueRuns(stored, 'skip', now, next)).toEqual({ runs: [], skipped: 3, nextRunAt: at('2025-01-01T13:00:00Z') });
    expect(planDueRuns(stored, 'run_once', now, next)).toEqual({ runs: [at('2025-01-01T12:00:00Z')], skipped: 2, nextRunAt: at('2025-01-01T13:00:00Z') });
    expect(planDueRuns(stored, 'run_all', now, next)).toEqual({
      runs: [at('2025-01-01T10:00:00Z'), at('2025-01-01T11:00:00Z'), at('2025-01-01T12:00:00Z')],
      skipped: 0,
      nextRunAt: at('2025-01-01T13:00:00Z'),
    });
  });

  it('skip still runs the one run that is on time when the downtime ends right at it', () => {
    const plan = planDueRuns(at('2025-01-01T10:00:00Z'), 'skip', at('2025-01-01T12:00:10Z'), next);
    expect(iso(plan.runs)).toEqual(['2025-01-01T12:00:00.000Z']);
    expect(plan.skipped).toBe(2);
  });

  it('after a long downtime (a minutely schedule, a day away): run_all catches up the last 100, the others plan without walking each', () => {
    const minutely = parseCron('* * * * *', 'UTC');
    const step = (d: Date) => minutely.nextAfter(d);
    const stored = at('2025-01-01T00:00:00Z');
    const now = at('2025-01-02T00:00:30Z');
    const all = planDueRuns(stored, 'run_all', now, step);
    expect(all.runs).toHaveLength(100);
    expect(all.runs[0]).toEqual(at('2025-01-01T22:21:00Z'));
    expect(all.runs.at(-1)).toEqual(at('2025-01-02T00:00:00Z'));
    expect(all.nextRunAt).toEqual(at('2025-01-02T00:01:00Z'));
    expect(planDueRuns(stored, 'run_once', now, step)).toMatchObject({ runs: [at('2025-01-02T00:00:00Z')], nextRunAt: at('2025-01-02T00:01:00Z') });
    expect(planDueRuns(stored, 'skip', now, step)).toMatchObject({ runs: [at('2025-01-02T00:00:00Z')] });
    expect(planDueRuns(stored, 'skip', at('2025-01-02T00:00:45Z'), step)).toMatchObject({ runs: [], nextRunAt: at('2025-01-02T00:01:00Z') });
  });

  it('a schedule without a stored next run gets one and runs nothing', () => {
    expect(planDueRuns(null, 'run_all', at('2025-01-01T10:20:00Z'), next)).toEqual({ runs: [], skipped: 0, nextRunAt: at('2025-01-01T11:00:00Z') });
  });

  it('the grace is half the period, at most a minute', () => {
    expect(graceMs(at('2025-01-01T10:00:00Z'), next)).toBe(60_000);
    const everyTwoSeconds = parseCron('*/2 * * * * *', 'UTC');
    expect(graceMs(at('2025-01-01T10:00:00Z'), (d) => everyTwoSeconds.nextAfter(d))).toBe(1000);
  });
});

describe('parseCron', () => {
  it('follows the time zone', () => {
    const berlin = parseCron('0 3 * * *', 'Europe/Berlin');
    expect(berlin.nextAfter(at('2025-01-01T00:00:00Z'))).toEqual(at('2025-01-01T02:00:00Z'));
    expect(berlin.upcoming(at('2025-07-01T00:00:00Z'), 2)).toEqual([at('2025-07-01T01:00:00Z'), at('2025-07-02T01:00:00Z')]);
  });

  it('refuses a bad expression or zone with INVALID_PARAMS and the reason', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as BridgeError;
      }
      throw new Error('did not throw');
    };
    const bad = failure(() => parseCron('61 * * * *', 'UTC'));
    expect(bad.code).toBe('INVALID_PARAMS');
    expect(bad.details).toMatchObject({ field: 'cron', reason: expect.stringContaining('minute') });
    expect(failure(() => parseCron('not cron', 'UTC')).code).toBe('INVALID_PARAMS');
    expect(failure(() => parseCron('0 3 * * *', 'Mars/Olympus')).details).toMatchObject({ field: 'timezone' });
    expect(failure(() => parseCron('0 0 30 2 *', 'UTC')).details).toMatchObject({ reason: 'never fires' });
  });
});
