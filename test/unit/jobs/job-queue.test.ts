/**
 * The queue over a real app.db schema (in memory) with a stand-in runner: the concurrency limit, queued jobs in
 * order, one transaction per status, recovery of jobs a crash left `running`, and cancel of queued and running jobs.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobStatusEvent } from '../../../protocol/index.js';
import type { JobOutcome } from '../../../supervisor/jobs/job.actor.js';
import { JobQueue } from '../../../supervisor/jobs/job-queue.js';
import { JobStore, type JobRecord } from '../../../supervisor/jobs/job-store.js';
import { migrate } from '../../../supervisor/store/app-store.js';

const log = pino({ level: 'silent' });

function setup(concurrency = 2) {
  const db = new Database(':memory:');
  migrate(db);
  const store = new JobStore(db);
  const started: string[] = [];
  const finishers = new Map<string, { resolve: (o: JobOutcome) => void; reject: (e: unknown) => void; signal: AbortSignal }>();
  const events: JobStatusEvent[] = [];
  const queue = new JobQueue({
    store,
    concurrency,
    log,
    run: (job: JobRecord, signal: AbortSignal) =>
      new Promise<JobOutcome>((resolve, reject) => {
        started.push(job.id);
        finishers.set(job.id, { resolve, reject, signal });
        signal.addEventListener('abort', () => reject({ code: 'QUERY_CANCELLED', message: 'cancelled' }));
      }),
    onStatus: (event) => events.push(event),
  });
  const flush = () => new Promise((resolve) => setTimeout(resolve, 5));
  return { db, store, queue, started, finishers, events, flush };
}

describe('JobQueue', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('runs at most `concurrency` jobs; the rest wait and start in order', async () => {
    const t = setup(2);
    const ids = [1, 2, 3, 4].map((n) => t.queue.submit({ kind: 'backup', connectionId: `c${n}`, params: { n } })!.id);
    await t.flush();
    expect(t.started).toEqual(ids.slice(0, 2));
    expect(ids.map((id) => t.store.get(id).status)).toEqual(['running', 'running', 'queued', 'queued']);
    t.finishers.get(ids[1]!)!.resolve({});
    await t.flush();
    expect(t.started).toEqual(ids.slice(0, 3));
    t.finishers.get(ids[0]!)!.reject({ code: 'BACKUP_FAILED', message: 'boom' });
    await t.flush();
    expect(t.started).toEqual(ids);
    expect(t.store.get(ids[0]!)).toMatchObject({ status: 'failed', error: { code: 'BACKUP_FAILED', message: 'boom' }, attempts: 1 });
    expect(t.store.get(ids[1]!)).toMatchObject({ status: 'success', progress: 100, finishedAt: expect.any(String) });
    expect(t.events.filter((e) => e.jobId === ids[0]).map((e) => e.status)).toEqual(['queued', 'running', 'failed']);
  });

  it('cancels a queued job without running it, and a running one through its signal', async () => {
    const t = setup(1);
    const a = t.queue.submit({ kind: 'backup', connectionId: 'c', params: {} })!.id;
    const b = t.queue.submit({ kind: 'backup', connectionId: 'c', params: {} })!.id;
    await t.flush();
    expect(t.queue.cancel(b)).toBe(true);
    expect(t.queue.cancel(a)).toBe(true);
    expect(t.finishers.get(a)!.signal.aborted).toBe(true);
    await t.flush();
    expect(t.started).toEqual([a]);
    expect(t.store.get(a).status).toBe('cancelled');
    expect(t.store.get(b).status).toBe('cancelled');
    expect(t.queue.cancel(a)).toBe(false);
    expect(() => t.queue.cancel('job_nope')).toThrow(expect.objectContaining({ code: 'JOB_NOT_FOUND' }));
  });

  it('a scheduled run is inserted once per (schedule, time)', () => {
    const t = setup();
    const run = { kind: 'backup' as const, connectionId: 'c', params: {}, scheduleId: 'sch_1', scheduledFor: '2025-01-01T00:00:00.000Z' };
    expect(t.queue.submit(run)).not.toBeNull();
    expect(t.queue.submit(run)).toBeNull();
    expect(t.store.list()).toHaveLength(1);
  });

  it('at start, running jobs become interrupted with their partial file removed, or queued again once when asked', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-queue-'));
    const t = setup(0 as number);
    const plain = t.store.insert({ kind: 'backup', connectionId: 'c', params: { options: {} } })!;
    const retry = t.store.insert({ kind: 'backup', connectionId: 'c', params: { options: { retryOnInterrupt: true } } })!;
    const retried = t.store.insert({ kind: 'backup', connectionId: 'c', params: { options: { retryOnInterrupt: true } } })!;
    t.store.markRunning(retried.id); // its first attempt; the one below is its second: no third
    for (const job of [plain, retry, retried]) {
      t.store.markRunning(job.id);
      const partial = join(dir, `${job.id}.partial`);
      writeFileSync(partial, 'half');
      t.store.setPartialPath(job.id, partial);
    }
    const fresh = new JobQueue({ store: t.store, concurrency: 0, log, run: () => new Promise(() => undefined), onStatus: (e) => t.events.push(e) });
    fresh.recover();
    expect(t.store.get(plain.id)).toMatchObject({ status: 'interrupted', partialPath: null, finishedAt: expect.any(String) });
    expect(t.store.get(retry.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(t.store.get(retried.id)).toMatchObject({ status: 'interrupted', attempts: 2 });
    for (const job of [plain, retry, retried]) expect(existsSync(join(dir, `${job.id}.partial`))).toBe(false);
    expect(t.store.list('running')).toEqual([]);
    expect(fresh.live().map((a) => a.id)).toEqual([retry.id]);
  });

  it('on close, running jobs end interrupted (queued again once when their options ask) and queued ones stay queued', async () => {
    const t = setup(2);
    const plain = t.queue.submit({ kind: 'backup', connectionId: 'c', params: { options: {} } })!.id;
    const retry = t.queue.submit({ kind: 'backup', connectionId: 'c', params: { options: { retryOnInterrupt: true } } })!.id;
    const waiting = t.queue.submit({ kind: 'backup', connectionId: 'c', params: { options: {} } })!.id;
    await t.flush();
    await t.queue.close();
    expect(t.store.get(plain).status).toBe('interrupted');
    expect(t.store.get(retry)).toMatchObject({ status: 'queued', attempts: 1, finishedAt: null });
    expect(t.store.get(waiting).status).toBe('queued');
    expect(t.started).toEqual([plain, retry]);
  });
});
