/**
 * Cancelling a PostgreSQL run reaches the server: the run ends with query.done 'cancelled' (no query.error), the
 * backend stops executing within 1 s of that done (pg_stat_activity, seen from a separate connection), and the same
 * session runs the next statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { pgProbe, type ServerProbe } from './server-probes.js';
import {
  cancelAndCollect,
  expectCancelled,
  runToEnd,
  startRun,
  startSessionBridge,
  uniqueMarker,
  waitForBatches,
  type SessionBridge,
} from './session-harness.js';

const db = await testDatabase('postgres');

describe.skipIf(db.skip)('cancelling a PostgreSQL run', () => {
  let harness: SessionBridge;
  let probe: ServerProbe;
  let connectionId: string;

  beforeAll(async () => {
    harness = await startSessionBridge();
    probe = await pgProbe(db.url!);
    connectionId = await harness.connect(configFromUrl(db.url!, 'pg cancel'));
  });
  afterAll(async () => {
    await probe?.close();
    await harness?.stop();
  });

  const expectGoneWithin1s = async (marker: string, doneAt: number): Promise<void> => {
    await expect.poll(() => probe.running(marker), { timeout: 1_000, interval: 50 }).toBe(0);
    expect(Date.now() - doneAt).toBeLessThan(1_500);
  };

  it('pg_sleep(60): cancelled, gone from pg_stat_activity, the session runs select 1 next', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('pg_sleep');
    const started = await startRun(client, sessionId, `select pg_sleep(60), '${marker}' as tag`);
    await expect.poll(() => probe.running(marker), { timeout: 5_000, interval: 50 }).toBe(1);

    const { run, cancelToDoneMs, doneAt } = await cancelAndCollect(client, sessionId, started);
    expectCancelled(run);
    expect(cancelToDoneMs).toBeLessThan(3_000);
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: 1 }]);
  });

  // generate_series in FROM is materialized whole (a ~5 s tuplestore, spilled to disk) before its first row; in the
  // select list it is a true stream, which is what this test is about.
  it('a 50M-row generate_series stream cancelled after its first batches', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('pg_stream');
    const started = await startRun(client, sessionId, `select generate_series(1, 50000000) as g, '${marker}' as tag`, {
      batchSize: 1000,
      rowFormat: 'array',
    });
    await waitForBatches(client, started.runId, 3);

    const { run, doneAt } = await cancelAndCollect(client, sessionId, started);
    const done = expectCancelled(run);
    expect(done.rows).toBeGreaterThanOrEqual(3_000);
    expect(done.rows).toBeLessThan(50_000_000);
    // Rows arrive in order, none twice, none skipped, whatever the cancel cut.
    const firsts = run.results.flatMap((r) => r.rows.map((row) => (row as unknown[])[0]));
    expect(firsts.slice(0, 3_000)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
  });

  it('a cancel with nothing running answers cancelled:false and sends no event', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const before = client.messages.length;
    expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = (client.messages.slice(before) as Array<{ method?: string }>).filter((m) => m.method?.startsWith('query.'));
    expect(events).toEqual([]);
  });
});
