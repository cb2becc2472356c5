/**
 * A client that goes away mid-stream takes its runs and sessions with it: within 1 s the server stops executing the
 * statement, and the session no longer exists for anyone — while other clients' sessions carry on. One that goes
 * away while its query.createSession is still opening leaves no database client behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugState } from '../../../protocol/index.js';
import { connectWs } from '../../helpers/clients.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { mysqlProbe, pgProbe, type ServerProbe } from './server-probes.js';
import { runToEnd, startRun, startSessionBridge, uniqueMarker, waitForBatches, type SessionBridge } from './session-harness.js';

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge();
});
afterAll(async () => {
  await harness?.stop();
});

const cases = [
  { name: 'postgres', db: pg, probe: pgProbe, stream: (marker: string) => `select generate_series(1, 50000000) as g, '${marker}' as tag` },
  { name: 'mysql', db: my, probe: mysqlProbe, stream: (marker: string) => `select seq, '${marker}' as tag from seq_1_to_50000000` },
];

for (const { name, db, probe: openProbe, stream } of cases) {
  describe.skipIf(db.skip)(`a client disconnecting mid-stream on ${name}`, () => {
    let probe: ServerProbe;
    let connectionId: string;
    beforeAll(async () => {
      probe = await openProbe(db.url!);
      connectionId = await harness.connect(configFromUrl(db.url!, `${name} disconnect`));
    });
    afterAll(() => probe?.close());

    it('stops the statement on the server within 1 s and removes the session', async () => {
      const observer = harness.client;
      const observersSession = await harness.newSession(connectionId);
      const leaver = await connectWs(harness.bridge.ready.url, harness.bridge.token);
      const sessionId = await harness.newSession(connectionId, leaver);
      const marker = uniqueMarker(`disconnect_${name}`);
      const started = await startRun(leaver, sessionId, stream(marker), { batchSize: 1000, rowFormat: 'array' });
      await waitForBatches(leaver, started.runId, 3);
      await expect.poll(() => probe.running(marker), { timeout: 5_000, interval: 50 }).toBe(1);

      const before: DebugState = await observer.call('debug.dumpState', {});
      const leaverId = before.sessions.find((s) => s.sessionId === sessionId)!.clientId;
      expect(before.sessions.find((s) => s.sessionId === sessionId)).toMatchObject({ state: 'running', runId: started.runId });

      // The client that left hears nothing more: its run's done has nowhere to go.
      const unheard = started.collected.then(
        () => 'done',
        (error: Error) => error.message,
      );
      const closedAt = Date.now();
      await leaver.close();
      expect(await unheard).toMatch(/^closed/);
      await expect.poll(() => probe.running(marker), { timeout: 1_000, interval: 50 }).toBe(0);
      expect(Date.now() - closedAt).toBeLessThan(1_500);

      await expect
        .poll(async () => ((await observer.call('debug.dumpState', {})) as DebugState).sessions.filter((s) => s.clientId === leaverId), {
          timeout: 1_000,
          interval: 50,
        })
        .toEqual([]);
      const state: DebugState = await observer.call('debug.dumpState', {});
      expect(state.sessions.map((s) => s.sessionId)).not.toContain(sessionId);
      expect(state.clients.map((c) => c.id)).not.toContain(leaverId);

      // A new client cannot reach it either.
      const newcomer = await connectWs(harness.bridge.ready.url, harness.bridge.token);
      try {
        const answer = await newcomer.request('query.run', { sessionId, sql: 'select 1' });
        expect(!answer.ok && answer.error.code).toBe('SESSION_NOT_FOUND');
      } finally {
        await newcomer.close();
      }

      // The other client's session on the same connection is untouched.
      const run = await runToEnd(observer, observersSession, 'select 1 as one');
      expect(run.done.status).toBe('success');
    });
  });
}

describe.skipIf(pg.skip)('a client disconnecting while its session is being opened', () => {
  // The session's close() runs while the worker is still leasing its database client; the lease, landing after,
  // must be given back rather than kept for a session nobody can reach.
  it('leaves no PostgreSQL client checked out', async () => {
    const connectionId = await harness.connect(configFromUrl(pg.url!, 'pg open race'));
    await harness.client.call('metadata.listSchemas', { connectionId });
    for (let i = 0; i < 3; i++) {
      const leaver = await connectWs(harness.bridge.ready.url, harness.bridge.token);
      leaver.raw.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'query.createSession', params: { connectionId } }));
      await leaver.close();
    }
    const checkedOut = async (): Promise<number> => {
      const state: DebugState = await harness.client.call('debug.dumpState', {});
      expect(state.sessions.filter((s) => s.connectionId === connectionId)).toEqual([]);
      const pool = state.pools.find((p) => p.connectionId === connectionId)!;
      // Sessions have connections of their own, outside the pool: none may be left open either.
      return (pool.total ?? 0) - (pool.idle ?? 0) + (pool.sessions ?? 0);
    };
    await expect.poll(checkedOut, { timeout: 2_000, interval: 100 }).toBe(0);
  });
});
