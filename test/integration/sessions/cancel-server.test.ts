/**
 * Cancelling a run reaches the database server (PostgreSQL: pg_cancel_backend from a second connection; MariaDB:
 * KILL QUERY): the run ends with query.done 'cancelled' (no query.error), the statement leaves the server's activity
 * view (pg_stat_activity / information_schema.processlist, seen from a separate connection) within 1 s of that done,
 * and the same session runs the next statement. SQLite has no server; its cancel is tested in cancel-sqlite.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { mysqlProbe, pgProbe, type ServerProbe } from './server-probes.js';
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

interface ServerCase {
  label: string;
  db: Awaited<ReturnType<typeof testDatabase>>;
  openProbe(url: string): Promise<ServerProbe>;
  /** Where the cancelled statement must be gone from. */
  activityView: string;
  /** A statement that waits 60 s on the server, tagged with `marker` so the probe can find it. */
  sleep(marker: string): string;
  /** A 50M-row stream, first column 1, 2, 3…, tagged with `marker`. */
  stream(marker: string): string;
}

const SERVERS: ServerCase[] = [
  {
    label: 'PostgreSQL',
    db: await testDatabase('postgres'),
    openProbe: pgProbe,
    activityView: 'pg_stat_activity',
    sleep: (marker) => `select pg_sleep(60), '${marker}' as tag`,
    // generate_series in FROM is materialized whole (a ~5 s tuplestore, spilled to disk) before its first row; in the
    // select list it is a true stream, which is what the test is about.
    stream: (marker) => `select generate_series(1, 50000000) as g, '${marker}' as tag`,
  },
  {
    label: 'MariaDB',
    db: await testDatabase('mysql'),
    openProbe: mysqlProbe,
    activityView: 'the processlist',
    sleep: (marker) => `SELECT SLEEP(60), '${marker}' AS tag`,
    stream: (marker) => `select seq, '${marker}' as tag from seq_1_to_50000000`,
  },
];

describe.each(SERVERS)('cancelling a $label run', (server) => {
  let harness: SessionBridge;
  let probe: ServerProbe;
  let connectionId: string;

  beforeAll(async () => {
    if (server.db.skip) return;
    harness = await startSessionBridge();
    probe = await server.openProbe(server.db.url!);
    connectionId = await harness.connect(configFromUrl(server.db.url!, `${server.label} cancel`));
  });
  afterAll(async () => {
    await probe?.close();
    await harness?.stop();
  });

  const expectGoneWithin1s = async (marker: string, doneAt: number): Promise<void> => {
    await expect.poll(() => probe.running(marker), { timeout: 1_000, interval: 50 }).toBe(0);
    expect(Date.now() - doneAt).toBeLessThan(1_500);
  };

  it.skipIf(server.db.skip)(`a 60 s sleep: cancelled, gone from ${server.activityView}, the session runs select 1 next`, async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('sleep');
    const started = await startRun(client, sessionId, server.sleep(marker));
    await expect.poll(() => probe.running(marker), { timeout: 5_000, interval: 50 }).toBe(1);

    const { run, cancelToDoneMs, doneAt } = await cancelAndCollect(client, sessionId, started);
    expectCancelled(run);
    expect(cancelToDoneMs).toBeLessThan(3_000);
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: 1 }]);
  });

  it.skipIf(server.db.skip)('a 50M-row stream cancelled after its first batches', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const marker = uniqueMarker('stream');
    const started = await startRun(client, sessionId, server.stream(marker), { batchSize: 1000, rowFormat: 'array' });
    await waitForBatches(client, started.runId, 3);

    const { run, doneAt } = await cancelAndCollect(client, sessionId, started);
    const done = expectCancelled(run);
    expect(done.rows).toBeGreaterThanOrEqual(3_000);
    expect(done.rows).toBeLessThan(50_000_000);
    // Rows arrive in order, none twice, none skipped, whatever the cancel cut. (MariaDB's seq is a BIGINT UNSIGNED,
    // which travels as a string.)
    const firsts = run.results.flatMap((r) => r.rows.map((row) => Number((row as unknown[])[0])));
    expect(firsts.slice(0, 3_000)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    await expectGoneWithin1s(marker, doneAt);

    const next = await runToEnd(client, sessionId, 'select 1 as one');
    expect(next.done.status).toBe('success');
    expect(next.results[0]!.rows).toEqual([{ one: 1 }]);
  });

  it.skipIf(server.db.skip)('a cancel with nothing running answers cancelled:false and sends no event', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    const before = client.messages.length;
    expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = (client.messages.slice(before) as Array<{ method?: string }>).filter((m) => m.method?.startsWith('query.'));
    expect(events).toEqual([]);
  });
});
