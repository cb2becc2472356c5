/**
 * Eight sessions over two connections (PostgreSQL and MariaDB) stream 50k rows each at the same time: every session
 * gets exactly its own rows, in order, and the supervisor keeps answering health.ping throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { expectSingleDone, startRun, startSessionBridge, type SessionBridge } from './session-harness.js';

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');

const ROWS = 50_000;
const SESSIONS_PER_CONNECTION = 4;

/** Session k streams ids k·10⁶+1 … k·10⁶+ROWS, so rows that crossed into another session's run would show. */
const base = (k: number): number => k * 1_000_000;
const SQL = {
  postgres: (k: number) => `select g, 'row ' || g as label from generate_series(${base(k) + 1}, ${base(k) + ROWS}) g`,
  mysql: (k: number) => `select seq + ${base(k)} as g, concat('row ', seq + ${base(k)}) as label from seq_1_to_${ROWS}`,
};

describe.skipIf(pg.skip || my.skip)('concurrent streams over two connections', () => {
  let harness: SessionBridge;
  beforeAll(async () => {
    harness = await startSessionBridge();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it(`${2 * SESSIONS_PER_CONNECTION} sessions × ${ROWS} rows: all correct, health.ping answers during the load`, async () => {
    const { client } = harness;
    const pgId = await harness.connect(configFromUrl(pg.url!, 'pg load'));
    const myId = await harness.connect(configFromUrl(my.url!, 'mariadb load'));
    const plan = Array.from({ length: 2 * SESSIONS_PER_CONNECTION }, (_, k) => ({
      k,
      kind: k % 2 === 0 ? ('postgres' as const) : ('mysql' as const),
    }));
    const sessions = await Promise.all(plan.map(({ kind }) => harness.newSession(kind === 'postgres' ? pgId : myId)));

    const runs = await Promise.all(
      plan.map(({ k, kind }) => startRun(client, sessions[k]!, SQL[kind](k), { rowFormat: 'array', batchSize: 1000 }, 90_000)),
    );
    let allDone = false;
    const finished = Promise.all(runs.map((r) => r.collected)).finally(() => (allDone = true));

    const pingMs: number[] = [];
    while (!allDone) {
      const at = Date.now();
      const pong = await client.call('health.ping', {});
      expect(pong.pid).toBe(harness.bridge.child.pid);
      pingMs.push(Date.now() - at);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const collected = await finished;

    expect(pingMs.length).toBeGreaterThanOrEqual(3);
    // Generous for a loaded 2-core machine: the point is that the supervisor never stalls behind the streams.
    expect(Math.max(...pingMs)).toBeLessThan(2_000);
    for (const { k } of plan) {
      const run = collected[k]!;
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ sessionId: sessions[k], status: 'success', rows: ROWS });
      const rows = run.results.flatMap((r) => r.rows as unknown[][]);
      expect(rows).toHaveLength(ROWS);
      const mismatch = rows.findIndex(([g, label], i) => Number(g) !== base(k) + i + 1 || label !== `row ${base(k) + i + 1}`);
      expect(mismatch, `session ${k}: first wrong row`).toBe(-1);
      await expectSingleDone(client, runs[k]!.runId);
    }
  });
});
