/**
 * Cancelling a MariaDB/MySQL run reaches the server (KILL QUERY from a second connection): the run ends with
 * query.done 'cancelled' (no query.error), the statement leaves information_schema.processlist within 1 s of that
 * done, and the same session runs the next statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { mysqlProbe, type ServerProbe } from './server-probes.js';
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

const db = await testDatabase('mysql');

describe.skipIf(db.skip)('cancelling a MariaDB run', () => {
  let harness: SessionBridge;
  let probe: ServerProbe;
  let connectionId: string;

  beforeAll(async () => {
    harness = await startSessionBridge();
    probe = await mysqlProbe(db.url!);
    connectionId = await harness.connect(configFromUrl(db.url!, 'mariadb cancel'));
  });
  afterAll(async () => {
    await probe?.close();
    await harness?.stop();
  });

  const expectGoneWithin1s = async (marker: string, doneAt: number): Promise<void> => {
    await expect.poll(() => probe.running(marker), { timeout: 1_000, interval: 50 }).toBe(0);
    expect(Date.now() - doneAt).toBeLessThan(1_500);
  };

  it('SELECT SLEEP(60): cancelled, gone from the processlist, the session runs select 1 next', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('sleep');
    const started = await startRun(client, sessionId, `SELECT SLEEP(60), '${marker}' AS tag`);
    await expect.poll(() => probe.running(marker), { timeout: 5_000, interval: 50 }).toBe(1);

    const { run, cancelToDoneMs, doneAt } = await cancelAndCollect(client, sessionId, started);
    expectCancelled(run);
    expect(cancelToDoneMs).toBeLessThan(3_000);
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: 1 }]);
  });

  it('a 50M-row seq_1_to_50000000 stream cancelled after its first batches', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('seq');
    const started = await startRun(client, sessionId, `select seq, '${marker}' as tag from seq_1_to_50000000`, {
      batchSize: 1000,
      rowFormat: 'array',
    });
    await waitForBatches(client, started.runId, 3);

    const { run, doneAt } = await cancelAndCollect(client, sessionId, started);
    const done = expectCancelled(run);
    expect(done.rows).toBeGreaterThanOrEqual(3_000);
    expect(done.rows).toBeLessThan(50_000_000);
    const firsts = run.results.flatMap((r) => r.rows.map((row) => Number((row as unknown[])[0])));
    expect(firsts.slice(0, 3_000)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: 1 }]);
  });
});
