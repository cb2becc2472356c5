/**
 * Schedules on the built bridge, on a six-field (seconds) cron so the clock moves in seconds, not minutes: runs on
 * time, stop the bridge for a few run times, start it again on the same data folder — each misfire policy does what
 * it says with the missed runs, the schedule goes on on time, no run is enqueued twice, retention keeps N backups.
 * Plus the bad inputs: a bad cron, an unknown zone, an unknown connection or schedule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Schedule } from '../../../protocol/index.js';
import { BUILT, startJobBridge, type JobBridge } from './job-harness.js';

/** Every 3 s: a grace of 1.5 s (half the period), enough to stay on time on a loaded machine. */
const PERIOD_MS = 3000;
const EVERY_3S = '*/3 * * * * *';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (iso: string | null) => new Date(iso!).getTime();

describe.skipIf(!BUILT && process.env.CI !== 'true')('backup schedules', () => {
  let dir: string;
  let dataDir: string;
  let jb: JobBridge;
  let connectionId: string;
  const ids: Record<'skip' | 'run_once' | 'run_all', string> = { skip: '', run_once: '', run_all: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-schedules-'));
    dataDir = join(dir, 'data');
    const dbPath = join(dir, 'small.db');
    const db = new Database(dbPath);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    db.close();
    jb = await startJobBridge({ dataDir });
    connectionId = (await jb.client.call('connection.create', { config: { name: 'small', type: 'sqlite', database: dbPath } })).id;
  }, 60_000);

  afterAll(async () => {
    await jb?.stop({ keepDataDir: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad cron expression or zone (INVALID_PARAMS with the reason), an unknown connection or schedule', async () => {
    const bad = await jb.client.request('schedule.create', { connectionId, cron: '61 * * * *', options: {} });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS', details: { field: 'cron' } } });
    expect((bad as { error: { message: string } }).error.message).toMatch(/minute/);
    expect(await jb.client.request('schedule.create', { connectionId, cron: '0 3 * * *', options: {}, timezone: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS', details: { field: 'timezone' } },
    });
    expect(await jb.client.request('schedule.create', { connectionId: 'conn_nope', cron: '0 3 * * *', options: {} })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    expect(await jb.client.request('schedule.update', { id: 'sch_nope', patch: { enabled: false } })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    expect(await jb.client.request('schedule.delete', { id: 'sch_nope' })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    expect(await jb.client.call('schedule.list', {})).toEqual([]);
  });

  it('creates schedules with their next runs listed, in the given zone', async () => {
    const daily = await jb.client.call('schedule.create', { connectionId, cron: '30 2 * * *', options: {}, timezone: 'Asia/Tokyo', misfire: 'skip' });
    expect(daily).toMatchObject({ cron: '30 2 * * *', timezone: 'Asia/Tokyo', misfire: 'skip', enabled: true, retention: null, lastRunAt: null });
    expect(daily.upcoming).toHaveLength(5);
    // 02:30 in Tokyo is 17:30 UTC.
    for (const run of daily.upcoming) expect(run).toMatch(/T17:30:00\.000Z$/);
    expect(daily.nextRunAt).toBe(daily.upcoming[0]);
    const off = await jb.client.call('schedule.update', { id: daily.id, patch: { enabled: false } });
    expect(off).toMatchObject({ enabled: false, upcoming: [] });
    expect(await jb.client.call('schedule.delete', { id: daily.id })).toEqual({});
  });

  it('runs on time, and after a restart treats the missed runs by policy, never enqueuing a run twice', async () => {
    for (const misfire of ['skip', 'run_once', 'run_all'] as const) {
      ids[misfire] = (await jb.client.call('schedule.create', { connectionId, cron: EVERY_3S, options: {}, misfire, timezone: 'UTC', ...(misfire === 'skip' ? { retention: 2 } : {}) })).id;
    }
    // On time: wait for a few runs of each.
    await sleep(7000);
    const jobsBefore = await jb.client.call('job.list', {});
    for (const id of Object.values(ids)) {
      const runs = jobsBefore.filter((j) => j.scheduleId === id);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      for (const run of runs) {
        expect(ms(run.scheduledFor) % PERIOD_MS).toBe(0);
        // Enqueued on time: within its grace.
        expect(ms(run.createdAt) - ms(run.scheduledFor)).toBeLessThan(PERIOD_MS / 2);
      }
    }
    await jb.stop({ keepDataDir: true });
    const stoppedAt = Date.now();
    await sleep(10_000);
    const restartAt = Date.now();
    jb = await startJobBridge({ dataDir });
    // Until every schedule has also run once after its first tick (4 s is enough on an idle machine; a loaded one may
    // take longer to start the bridge and tick), then judge the whole list.
    let jobs: Job[] = [];
    const settled = () =>
      Object.values(ids).every((id) => {
        const after = jobs.filter((j) => j.scheduleId === id && ms(j.createdAt) >= restartAt);
        const first = Math.min(...after.map((j) => ms(j.createdAt)));
        return after.some((j) => ms(j.scheduledFor) > first);
      });
    const waitUntil = Date.now() + 30_000;
    await sleep(4000);
    for (;;) {
      jobs = await jb.client.call('job.list', {});
      if (settled() || Date.now() > waitUntil) break;
      await sleep(1000);
    }
    const of = (id: string) => jobs.filter((j) => j.scheduleId === id);
    const lastBefore = (id: string) => Math.max(...of(id).filter((j) => ms(j.createdAt) < restartAt).map((j) => ms(j.scheduledFor)));
    // The first tick after the start: its clock reading is at or after restartAt and at or before the first job it
    // enqueued for the schedule (a loaded machine may take a while between the two).
    const firstTick = (id: string) => Math.min(...of(id).filter((j) => ms(j.createdAt) >= restartAt).map((j) => ms(j.createdAt)));
    const times = (id: string, from: number, to: number) => of(id).map((j) => ms(j.scheduledFor)).filter((t) => t > from && t <= to).sort();
    const runTimes = (from: number, to: number) => {
      const out: number[] = [];
      for (let t = Math.ceil((from + 1) / PERIOD_MS) * PERIOD_MS; t <= to; t += PERIOD_MS) out.push(t);
      return out;
    };
    // Run times that were certainly missed: the bridge was down from the last run before the stop until restartAt.
    const missed = (id: string) => runTimes(lastBefore(id), restartAt - 1);
    for (const id of Object.values(ids)) expect(missed(id).length).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(restartAt);

    // run_all: a job for every run time missed (and for any that came due by the first tick).
    expect(times(ids.run_all, lastBefore(ids.run_all), firstTick(ids.run_all))).toEqual(runTimes(lastBefore(ids.run_all), firstTick(ids.run_all)));
    // run_once: one job for all the missed ones, for the latest run time due at the first tick.
    expect(times(ids.run_once, lastBefore(ids.run_once), restartAt - 1).length).toBeLessThanOrEqual(1);
    // One job for all the missed run times: none for any but the latest missed while down, and by the first tick a
    // job for the latest due. On a loaded machine the first tick can come after the next run time is due, whose own
    // on-time job then stands beside it — so one or two, never one per missed time.
    const once = times(ids.run_once, lastBefore(ids.run_once), firstTick(ids.run_once));
    expect(once.length).toBeGreaterThanOrEqual(1);
    expect(once.length).toBeLessThanOrEqual(2);
    expect(once[0]).toBeGreaterThanOrEqual(missed(ids.run_once).at(-1)!);
    // skip: none of the run times that were already more than their grace (1.5 s) late when the bridge came back.
    expect(times(ids.skip, lastBefore(ids.skip), restartAt - PERIOD_MS / 2)).toEqual([]);

    // And on time again after the restart.
    for (const id of Object.values(ids)) {
      const later = of(id).filter((j) => ms(j.scheduledFor) > firstTick(id));
      expect(later.length).toBeGreaterThanOrEqual(1);
      for (const run of later) expect(ms(run.createdAt) - ms(run.scheduledFor)).toBeLessThan(PERIOD_MS / 2);
    }
    // Never twice.
    const keys = jobs.filter((j) => j.scheduleId).map((j) => `${j.scheduleId}@${j.scheduledFor}`);
    expect(new Set(keys).size).toBe(keys.length);

    const dump = await jb.client.call('debug.dumpState', {});
    expect((dump.schedules as Array<{ id: string }>).map((s) => s.id).sort()).toEqual(Object.values(ids).sort());
    const schedules: Schedule[] = await jb.client.call('schedule.list', { connectionId });
    for (const s of schedules) {
      expect(ms(s.nextRunAt)).toBeGreaterThan(Date.now() - PERIOD_MS);
      expect(s.lastRunAt).not.toBeNull();
    }
    // Retention: the skip schedule keeps its newest two backups only.
    for (const id of Object.values(ids)) await jb.client.call('schedule.update', { id, patch: { enabled: false } });
    await sleep(1500);
    const kept = (await jb.client.call('backup.list', { connectionId })).filter((b) => b.scheduleId === ids.skip);
    expect(kept.length).toBeLessThanOrEqual(2);
    expect(kept.length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
