/**
 * Every way a run can end, on each database, ends with exactly one query.done and nothing after it: success, a
 * syntax error, a statement list (and one failing in the middle), a timeout, maxRows, a second run on a busy
 * session (refused, the first unaffected), and closing the session mid-run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { dialects } from './dialects.js';
import { expectSingleDone, rowsOf, runToEnd, startRun, startSessionBridge, waitForBatches, type SessionBridge } from './session-harness.js';

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge({ sample: true });
});
afterAll(async () => {
  await harness?.stop();
});

for (const dialect of dialects('lifecycle')) {
  describe.skipIf(dialect.skip)(`run lifecycle on ${dialect.name}`, () => {
    let connectionId: string;
    let sessionId: string;
    beforeAll(async () => {
      connectionId = await dialect.setup(harness);
      sessionId = await harness.newSession(connectionId);
    });
    afterAll(() => dialect.teardown());

    it('success: one result set, complete, status success', async () => {
      const run = await runToEnd(harness.client, sessionId, 'select 1 as a');
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ sessionId, status: 'success', rows: 1 });
      expect(run.results.at(-1)!.complete).toBe(true);
      expect(Number((run.results[0]!.rows[0] as { a: unknown }).a)).toBe(1);
    });

    it('a syntax error: query.error QUERY_SYNTAX_ERROR, then done error', async () => {
      const run = await runToEnd(harness.client, sessionId, 'selec 1');
      expect(run.errors.map((e) => e.error.code)).toEqual(['QUERY_SYNTAX_ERROR']);
      expect(run.done.status).toBe('error');
      expect(run.results).toEqual([]);
    });

    it('a statement list: result sets in order, rowsAffected on the DML', async () => {
      const sql = `select 1 as a; select 2 as b; update ${dialect.table} set id = id where id <= 3`;
      const run = await runToEnd(harness.client, sessionId, sql);
      expect(run.errors).toEqual([]);
      expect(run.done.status).toBe('success');
      expect([...new Set(run.results.map((r) => r.resultSetIndex))]).toEqual([0, 1, 2]);
      expect(Number((rowsOf(run, 0)[0] as { a: unknown }).a)).toBe(1);
      expect(Number((rowsOf(run, 1)[0] as { b: unknown }).b)).toBe(2);
      const dml = run.results.filter((r) => r.resultSetIndex === 2);
      expect(dml.at(-1)).toMatchObject({ complete: true, rows: [] });
      expect(dml.some((r) => r.rowsAffected === 3)).toBe(true);
      expect(run.done.rowsAffected).toBe(3);
      // `complete` marks the run's last batch (docs/api.md), not each result set's.
      expect(run.results.map((r) => r.complete)).toEqual([...run.results.slice(1).map(() => false), true]);
      // batchIndex restarts at 0 with each result set.
      for (const index of [0, 1, 2]) {
        const batches = run.results.filter((r) => r.resultSetIndex === index);
        expect(batches.map((b) => b.batchIndex)).toEqual(batches.map((_, i) => i));
      }
    });

    it('a failing middle statement stops the list and says which one failed', async () => {
      const run = await runToEnd(harness.client, sessionId, 'select 1 as a; select * from dbv_sessions_no_such_table; select 3 as c');
      expect(run.done.status).toBe('error');
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]!.error.details).toMatchObject({ statementIndex: 1 });
      expect(run.results.map((r) => r.resultSetIndex)).toEqual([0]);
      expect(Number((rowsOf(run, 0)[0] as { a: unknown }).a)).toBe(1);
    });

    it('timeoutMs: query.error DB_TIMEOUT, done error, the session usable afterwards', async () => {
      // SQLite has no sleep: a long stream times out between rows here (a statement stuck in one native step is
      // cancel-sqlite.test.ts's case).
      const sql = dialect.name === 'sqlite' ? dialect.series(50_000_000) : dialect.sleep(30);
      const started = Date.now();
      const run = await runToEnd(harness.client, sessionId, sql, { timeoutMs: 400, batchSize: 1000 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(run.errors.map((e) => e.error.code)).toEqual(['DB_TIMEOUT']);
      expect(run.done.status).toBe('error');
      const next = await runToEnd(harness.client, sessionId, 'select 1 as a');
      expect(next.done.status).toBe('success');
    });

    it('maxRows: truncated, with exactly maxRows rows', async () => {
      const run = await runToEnd(harness.client, sessionId, dialect.series(10_000), { maxRows: 250, batchSize: 100 });
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ status: 'truncated', rows: 250 });
      expect(rowsOf(run).map((r) => Number((r as { g: unknown }).g))).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
      expect(run.results.at(-1)!.complete).toBe(true);
    });

    it('query.run on a busy session: SESSION_BUSY, and the running run is unaffected', async () => {
      const { client } = harness;
      const first = await startRun(client, sessionId, dialect.sleep(1));
      const refused = await client.request('query.run', { sessionId, sql: 'select 1 as a' });
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error).toMatchObject({ code: 'SESSION_BUSY', details: { runId: first.runId } });
      const run = await first.collected;
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ runId: first.runId, status: 'success', rows: 1 });
      await expectSingleDone(client, first.runId);
    });

    it('closeSession mid-run: that run gets its one done, and the session is gone', async () => {
      const { client } = harness;
      const victim = await harness.newSession(connectionId);
      const started = await startRun(client, victim, dialect.series(5_000_000), { batchSize: 500, rowFormat: 'array' });
      await waitForBatches(client, started.runId, 2);
      expect(await client.call('query.closeSession', { sessionId: victim })).toEqual({});
      const run = await started.collected;
      expect(run.errors).toEqual([]);
      expect(run.done.status).toBe('cancelled');
      await expectSingleDone(client, started.runId);
      const after = await client.call('query.run', { sessionId: victim, sql: 'select 1' }).catch((e: unknown) => e);
      expect(after).toBeInstanceOf(BridgeError);
      expect((after as BridgeError).code).toBe('SESSION_NOT_FOUND');
    });
  });
}
