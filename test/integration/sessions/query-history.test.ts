/**
 * history.list after a few runs: one entry per accepted run, newest first, with its sql, status, rows and duration;
 * filtered by connection and cut by limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../protocol/index.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { cancelAndCollect, runToEnd, startRun, startSessionBridge, waitForBatches, type SessionBridge } from './session-harness.js';

const pg = await testDatabase('postgres');
const SERIES = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 50000000) select x from c';

describe('history.list', () => {
  let harness: SessionBridge;
  let sqliteId: string;

  beforeAll(async () => {
    harness = await startSessionBridge({ sample: true });
    sqliteId = await harness.sampleId();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('lists the runs newest first with sql, status, rows and durationMs', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(sqliteId);
    await runToEnd(client, sessionId, 'select * from orders limit 7');
    await runToEnd(client, sessionId, 'selec 1');
    await runToEnd(client, sessionId, 'select * from orders', { maxRows: 3 });
    const started = await startRun(client, sessionId, SERIES, { batchSize: 100 });
    await waitForBatches(client, started.runId, 1);
    const cancelled = await cancelAndCollect(client, sessionId, started);

    const history: HistoryEntry[] = await client.call('history.list', { connectionId: sqliteId });
    expect(history.slice(0, 4).map(({ sql, status, rows }) => ({ sql, status, rows }))).toEqual([
      { sql: SERIES, status: 'cancelled', rows: cancelled.run.done.rows },
      { sql: 'select * from orders', status: 'truncated', rows: 3 },
      { sql: 'selec 1', status: 'error', rows: 0 },
      { sql: 'select * from orders limit 7', status: 'success', rows: 7 },
    ]);
    for (const entry of history.slice(0, 4)) {
      expect(entry.connectionId).toBe(sqliteId);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(entry.startedAt))).toBe(false);
    }
    const ids = history.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Date.parse(history[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(history[3]!.startedAt));
    // A run's duration is what its query.done said.
    expect(Math.abs(history[0]!.durationMs - cancelled.run.done.timeMs)).toBeLessThanOrEqual(5);

    const limited: HistoryEntry[] = await client.call('history.list', { connectionId: sqliteId, limit: 2 });
    expect(limited).toEqual(history.slice(0, 2));
  });

  it.skipIf(pg.skip)('filters by connection; without one it lists every connection, newest first', async () => {
    const { client } = harness;
    const pgId = await harness.connect(configFromUrl(pg.url!, 'pg history'));
    const pgSession = await harness.newSession(pgId);
    const sqliteSession = await harness.newSession(sqliteId);
    await runToEnd(client, pgSession, 'select 1 as from_pg');
    await runToEnd(client, sqliteSession, 'select 2 as from_sqlite');

    const all: HistoryEntry[] = await client.call('history.list', { limit: 2 });
    expect(all.map((e) => [e.connectionId, e.sql])).toEqual([
      [sqliteId, 'select 2 as from_sqlite'],
      [pgId, 'select 1 as from_pg'],
    ]);
    const onlyPg: HistoryEntry[] = await client.call('history.list', { connectionId: pgId });
    expect(onlyPg.map((e) => e.sql)).toEqual(['select 1 as from_pg']);
  });
});
