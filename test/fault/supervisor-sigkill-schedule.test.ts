/**
 * The supervisor SIGKILLed while a backup schedule is firing (every 2 s, so a scheduled job is queued or running at the
 * kill), then started again on the same data folder: every job from before the kill reaches a final state (a running
 * one is `interrupted`, docs/api.md job.status), nothing is left `queued` or `running` from the dead process, no
 * `.partial` file remains, no run time is enqueued twice, and the schedule goes on firing. (SIGKILL mid-backup of a
 * PostgreSQL dump is covered in test/integration/backup/job-interrupt.test.ts.)
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../protocol/index.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

const FINAL = ['success', 'failed', 'cancelled', 'interrupted'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('SIGKILL of the supervisor mid-schedule', () => {
  let dir: string;
  let dataDir: string;
  let dbPath: string;
  let b: FaultBridge | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-faults-schedule-'));
    dataDir = join(dir, 'data');
    dbPath = join(dir, 'scheduled.db');
    const db = new Database(dbPath);
    // Enough pages that a backup takes a moment.
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) INSERT INTO t SELECT x, printf('%0100d', x) FROM c");
    db.close();
  });
  afterAll(async () => {
    await b?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every job final, no partial file, no run time twice, and the schedule firing again', async () => {
    b = await startFaultBridge({ dataDir });
    const connectionId = (await b.client.call('connection.create', { config: { name: 'scheduled', type: 'sqlite', database: dbPath } })).id;
    const schedule = await b.client.call('schedule.create', { connectionId, cron: '*/2 * * * * *', options: {}, misfire: 'run_once', timezone: 'UTC' });
    // Kill as soon as a second scheduled job exists: it is queued or running at that moment.
    let before: Job[] = [];
    for (let i = 0; i < 200 && before.filter((j) => j.scheduleId === schedule.id).length < 2; i++) {
      before = await b.client.call('job.list', {});
      if (before.filter((j) => j.scheduleId === schedule.id).length < 2) await sleep(50);
    }
    const first = b;
    first.bridge.child.kill('SIGKILL');
    await once(first.bridge.child, 'exit');
    await first.client.close().catch(() => undefined);
    const unfinished = before.filter((j) => !FINAL.includes(j.status));
    expect(before.filter((j) => j.scheduleId === schedule.id).length).toBeGreaterThanOrEqual(2);

    b = await startFaultBridge({ dataDir });
    // Long enough for the restart's misfire handling and two more run times.
    await sleep(5_000);
    await b.client.call('schedule.update', { id: schedule.id, patch: { enabled: false } });
    const settle = async (): Promise<Job[]> => {
      for (let i = 0; i < 100; i++) {
        const jobs: Job[] = await b!.client.call('job.list', {});
        if (jobs.every((j) => FINAL.includes(j.status))) return jobs;
        await sleep(200);
      }
      return b!.client.call('job.list', {});
    };
    const after = await settle();
    // Every job, from before the kill and after, is final; the ones caught mid-flight say interrupted or finished.
    expect(after.filter((j) => !FINAL.includes(j.status))).toEqual([]);
    for (const job of unfinished) {
      const now = after.find((j) => j.id === job.id);
      expect(now, `job ${job.id} (${job.status} at the kill)`).toBeDefined();
      expect(FINAL).toContain(now!.status);
    }
    // No run time enqueued twice, across the kill.
    const keys = after.filter((j) => j.scheduleId === schedule.id).map((j) => j.scheduledFor);
    expect(new Set(keys).size).toBe(keys.length);
    // The schedule fired again after the restart.
    const latestBefore = Math.max(...before.filter((j) => j.scheduleId === schedule.id).map((j) => new Date(j.scheduledFor!).getTime()));
    expect(after.some((j) => j.scheduleId === schedule.id && new Date(j.scheduledFor!).getTime() > latestBefore && j.status === 'success')).toBe(true);
    // No half-written file: only finished backups, each listed.
    const files = filesUnder(join(dataDir, 'backups'));
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    const listed = (await b.client.call('backup.list', { connectionId })).map((backup) => backup.path).sort();
    // (Nor a SQLite journal of a partial file: a SIGKILL mid-copy leaves `<name>.partial-journal` beside it.)
    expect(files.sort()).toEqual(listed);
  }, 90_000);
});
