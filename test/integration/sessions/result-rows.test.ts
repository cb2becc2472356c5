/**
 * What a run's batches carry, on each database: object rows by default and the same values as arrays with
 * rowFormat 'array'; bound params; and 1,000 seeded rows arriving exactly once, in order, across many batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './dialects.js';
import { expectedItem } from './server-probes.js';
import { rowsOf, runToEnd, startSessionBridge, type SessionBridge } from './session-harness.js';

const ROWS = 1_000;

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge({ sample: true });
});
afterAll(async () => {
  await harness?.stop();
});

/** SQLite integers are 64-bit, so they travel as strings; pg int4 and MySQL INT as numbers. */
const normalized = (row: { id: unknown; name: unknown; amount: unknown }) => ({ id: Number(row.id), name: row.name, amount: row.amount });

for (const dialect of dialects('rows')) {
  describe.skipIf(dialect.skip)(`result rows on ${dialect.name}`, () => {
    let sessionId: string;
    beforeAll(async () => {
      const connectionId = await dialect.setup(harness, ROWS);
      sessionId = await harness.newSession(connectionId);
    });
    afterAll(() => dialect.teardown());

    it("rowFormat 'array' carries the same values as the default object rows, in column order", async () => {
      const sql = `select id, name, amount from ${dialect.table} where id <= 3 order by id`;
      const objects = await runToEnd(harness.client, sessionId, sql);
      const arrays = await runToEnd(harness.client, sessionId, sql, { rowFormat: 'array' });
      const columns = objects.results[0]!.columns.map((c) => c.name);
      expect(columns).toEqual(['id', 'name', 'amount']);
      expect(arrays.results[0]!.columns).toEqual(objects.results[0]!.columns);
      const objectRows = rowsOf(objects) as Array<Record<string, unknown>>;
      const arrayRows = rowsOf(arrays) as unknown[][];
      expect(objectRows.map((r) => Object.keys(r))).toEqual([columns, columns, columns]);
      expect(arrayRows.every((r) => Array.isArray(r))).toBe(true);
      expect(arrayRows).toEqual(objectRows.map((r) => columns.map((c) => r[c])));
      expect(objectRows.map((r) => normalized(r as never))).toEqual([1, 2, 3].map(expectedItem));
    });

    it('binds params', async () => {
      const [p1, p2] = [dialect.placeholder(1), dialect.placeholder(2)];
      const sql = `select id, name, amount from ${dialect.table} where id = ${p1} or name = ${p2} order by id`;
      const run = await runToEnd(harness.client, sessionId, sql, { params: [2, 'item 5'] });
      expect(run.errors).toEqual([]);
      expect(rowsOf(run).map((r) => normalized(r as never))).toEqual([2, 5].map(expectedItem));
      // A string that looks like SQL stays a value.
      const hostile = await runToEnd(harness.client, sessionId, `select count(*) as n from ${dialect.table} where name = ${p1}`, {
        params: ["x' or '1'='1"],
      });
      expect(Number((rowsOf(hostile)[0] as { n: unknown }).n)).toBe(0);
    });

    it(`${ROWS} rows arrive exactly once, in order, across many batches`, async () => {
      const run = await runToEnd(harness.client, sessionId, `select id, name, amount from ${dialect.table} order by id`, { batchSize: 64 });
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ status: 'success', rows: ROWS });
      expect(run.results).toHaveLength(Math.ceil(ROWS / 64));
      expect(run.results.map((r) => r.batchIndex)).toEqual(run.results.map((_, i) => i));
      expect(run.results.slice(0, -1).every((r) => r.rows.length === 64 && !r.complete)).toBe(true);
      expect(run.results.at(-1)!.complete).toBe(true);
      const rows = rowsOf(run).map((r) => normalized(r as never));
      expect(rows).toEqual(Array.from({ length: ROWS }, (_, i) => expectedItem(i + 1)));
    });
  });
}
