/**
 * Every fault of the `faulty` connector (workers/connectors/faulty/faulty-modes.ts), in both isolations, over the real
 * JSON-RPC wire against the built standalone supervisor: the run ends as the mode says (status and error code), a
 * worker that dies is restarted (connector.status restarting → ready), the bridge answers pings throughout, and the
 * same session works again afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerIsolation } from '../../protocol/index.js';
import { FAULTY_MODES } from '../../workers/connectors/faulty/faulty-modes.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

let b: FaultBridge;
beforeAll(async () => {
  b = await startFaultBridge();
});
afterAll(async () => {
  expect(await b?.stop()).toBe(0);
});

for (const isolation of ['thread', 'process'] as const satisfies readonly WorkerIsolation[]) {
  describe(`faulty modes in a worker ${isolation}`, () => {
    for (const mode of FAULTY_MODES.filter((m) => m.isolations.includes(isolation))) {
      it(`${mode.name} (\`${mode.sql}\`): ${mode.status}${mode.code ? ` ${mode.code}` : ''}${mode.workerDies ? ', worker restarted' : ''}`, async () => {
        // A connection of its own, so earlier crashes never count towards this one's crash loop.
        const { connectionId, sessionId } = await b.faultyConnection(isolation, `${mode.name} ${isolation}`);
        expect((await b.run(sessionId, 'rows 1')).done.status).toBe('success');
        const mark = b.statuses.length;
        const { runId } = await b.client.call('query.run', { sessionId, sql: mode.sql });
        const collected = b.client.collectRun(runId, 30_000);
        if (mode.needsCancel) {
          await new Promise((r) => setTimeout(r, 300));
          await b.client.call('query.cancel', { sessionId });
        }
        // The bridge answers while the fault is in progress.
        await b.ping();
        const run = await collected;
        expect(run.done.status, JSON.stringify(run.errors)).toBe(mode.status);
        expect(run.errors.map((e) => e.error.code)).toEqual(mode.code ? [mode.code] : []);
        if (mode.workerDies) {
          const restarting = await b.status(connectionId, 'restarting', mark);
          expect(restarting.reason).toBeTruthy();
          await b.status(connectionId, 'ready', mark);
        } else {
          expect(b.statuses.slice(mark).filter((s) => s.connectionId === connectionId)).toEqual([]);
        }
        // Exactly one query.done for the run.
        await new Promise((r) => setTimeout(r, 50));
        const dones = b.client.messages.filter(
          (m) => (m as { method?: string }).method === 'query.done' && (m as { params: { runId: string } }).params.runId === runId,
        );
        expect(dones).toHaveLength(1);
        await b.ping();
        const after = await b.run(sessionId, 'rows 1200');
        expect(after.done).toMatchObject({ status: 'success', rows: 1200 });
        if (mode.sql === 'huge 24') expect((run.results[0]!.rows[0] as { s: string }).s).toHaveLength(24 * 1024 * 1024);
        await b.client.call('connection.delete', { id: connectionId });
      }, 60_000);
    }

    it('a driver whose close() never answers is killed after the stop grace, and the connection works after update', async () => {
      const { connectionId, sessionId } = await b.faultyConnection(isolation, `noclose update ${isolation}`);
      expect((await b.run(sessionId, 'noclose')).done.status).toBe('success');
      const started = Date.now();
      await b.client.call('connection.update', { id: connectionId, config: { name: `noclose updated ${isolation}` } });
      // The stop grace is 2 s; the update must not wait for a close that never comes.
      expect(Date.now() - started).toBeLessThan(15_000);
      const { sessionId: next } = await b.client.call('query.createSession', { connectionId });
      expect((await b.run(next, 'rows 10')).done).toMatchObject({ status: 'success', rows: 10 });
      await b.ping();
      await b.client.call('connection.delete', { id: connectionId });
    }, 60_000);
  });
}
