/**
 * Cancelling a SQLite run: a streaming run stops cooperatively between rows (same worker); a statement stuck for
 * minutes inside one native step before its first row cannot be interrupted, so the worker process is killed and
 * replaced — either way the run ends with query.done 'cancelled' and the session keeps working. The same stuck
 * statement with a timeoutMs ends DB_TIMEOUT the same way (the worker's own deadline cannot fire while it is stuck).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelAndCollect,
  expectCancelled,
  runToEnd,
  startRun,
  startSessionBridge,
  waitForBatches,
  workerOf,
  type SessionBridge,
} from './session-harness.js';

const STREAM_50M = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 50000000) select x from c';
/** Counts to five billion before it yields its single row: minutes inside one sqlite3_step. */
const MINUTES_BEFORE_FIRST_ROW = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000000000) select count(*) from c';

describe('cancelling a SQLite run', () => {
  let harness: SessionBridge;
  let connectionId: string;

  beforeAll(async () => {
    harness = await startSessionBridge({ sample: true });
    connectionId = await harness.sampleId();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('a 50M-row recursive CTE stream cancelled after its first batches: same worker, session usable', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const pid = (await workerOf(client, connectionId)).pid;
    const started = await startRun(client, sessionId, STREAM_50M, { batchSize: 1000, rowFormat: 'array' });
    await waitForBatches(client, started.runId, 3);

    const { run, cancelToDoneMs } = await cancelAndCollect(client, sessionId, started);
    const done = expectCancelled(run);
    expect(cancelToDoneMs).toBeLessThan(2_000);
    expect(done.rows).toBeGreaterThanOrEqual(3_000);
    expect(done.rows).toBeLessThan(50_000_000);
    // SQLite integers are 64-bit: the wire carries them as exact strings.
    const firsts = run.results.flatMap((r) => r.rows.map((row) => Number((row as unknown[])[0])));
    expect(firsts.slice(0, 3_000)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    // A cooperative stop: the worker was not needed to die for it.
    expect((await workerOf(client, connectionId)).pid).toBe(pid);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: '1' }]);
  });

  it('a CTE that computes for minutes before its first row: cancelled within seconds, worker replaced, session usable', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const before = await workerOf(client, connectionId);
    expect(before.isolation).toBe('process');
    const started = await startRun(client, sessionId, MINUTES_BEFORE_FIRST_ROW);
    // Let it get deep into the native step.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const { run, cancelToDoneMs } = await cancelAndCollect(client, sessionId, started);
    expectCancelled(run);
    expect(run.results).toEqual([]);
    expect(cancelToDoneMs).toBeLessThan(3_000);

    const next = await runToEnd(client, sessionId, 'select count(*) as n from orders');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toHaveLength(1);
    const after = await workerOf(client, connectionId);
    expect(after.pid).toBeGreaterThan(0);
    expect(after.pid).not.toBe(before.pid);
  });

  it('timeoutMs ends that stuck statement with DB_TIMEOUT within seconds, the session usable afterwards', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const before = await workerOf(client, connectionId);
    const startedAt = Date.now();
    const run = await runToEnd(client, sessionId, MINUTES_BEFORE_FIRST_ROW, { timeoutMs: 300 });
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    expect(run.errors.map((e) => e.error.code)).toEqual(['DB_TIMEOUT']);
    expect(run.done.status).toBe('error');

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect((await workerOf(client, connectionId)).pid).not.toBe(before.pid);
  });
});
