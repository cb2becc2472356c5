/**
 * A session whose database connection is lost is not dead: the run that meets the loss ends DB_CONN_LOST (marked
 * `sessionStateLost`), and the session's next run is on a new connection, marked `sessionReconnected`, with the old
 * connection's state (a temp table here) gone — on PostgreSQL (pg_terminate_backend) and MariaDB (KILL), driven over
 * the bridge's JSON-RPC as a UI does (docs/api.md, "Lost connections").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import type { RunCollection } from '../../helpers/clients.js';
import { mysqlProbe, pgProbe, type ServerProbe } from './server-probes.js';
import { runToEnd, startRun, startSessionBridge, type SessionBridge } from './session-harness.js';

const servers = [
  {
    name: 'postgres',
    db: await testDatabase('postgres'),
    probe: pgProbe,
    idSql: 'select pg_backend_pid() as id',
    sleepSql: 'select pg_sleep(30) as slept',
    kill: (id: number) => `select pg_terminate_backend(${id})`,
    alive: (id: number) => `select count(*) as n from pg_stat_activity where pid = ${id}`,
  },
  {
    name: 'mysql',
    db: await testDatabase('mysql'),
    probe: mysqlProbe,
    idSql: 'select connection_id() as id',
    sleepSql: 'select sleep(30) as slept',
    kill: (id: number) => `KILL ${id}`,
    alive: (id: number) => `select count(*) as n from information_schema.processlist where id = ${id}`,
  },
] as const;

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge();
});
afterAll(async () => {
  await harness?.stop();
});

function idOf(run: RunCollection): number {
  expect(run.errors).toEqual([]);
  return Number((run.results[0]!.rows[0] as { id: unknown }).id);
}

for (const server of servers) {
  describe.skipIf(server.db.skip)(`a lost session connection on ${server.name}`, () => {
    let probe: ServerProbe;
    let connectionId: string;
    beforeAll(async () => {
      probe = await server.probe(server.db.url!);
      connectionId = await harness.connect(configFromUrl(server.db.url!, `${server.name} lost`));
    });
    afterAll(async () => {
      await probe?.close();
    });

    /** Ends the backend from outside the bridge and waits until the server has let it go. */
    async function terminate(id: number): Promise<void> {
      await probe.query(server.kill(id));
      await expect.poll(async () => Number(((await probe.query(server.alive(id)))[0] as { n: unknown }).n), { timeout: 5_000 }).toBe(0);
    }

    it('killed while idle: the next run ends DB_CONN_LOST, the run after is on a new connection without the old state', async () => {
      const sessionId = await harness.newSession(connectionId);
      expect((await runToEnd(harness.client, sessionId, 'create temporary table dbv_lost_tmp (x int)')).done.status).toBe('success');
      const before = idOf(await runToEnd(harness.client, sessionId, server.idSql));
      await terminate(before);

      const hit = await runToEnd(harness.client, sessionId, 'select 1 as a');
      expect(hit.done.status).toBe('error');
      expect(hit.errors.map((e) => e.error)).toEqual([expect.objectContaining({ code: 'DB_CONN_LOST', details: expect.objectContaining({ sessionStateLost: true }) })]);

      // The temp table lived on the old connection: gone, and the error says the session is on a new one.
      const gone = await runToEnd(harness.client, sessionId, 'select x from dbv_lost_tmp');
      expect(gone.errors.map((e) => e.error)).toEqual([
        expect.objectContaining({ code: 'QUERY_FAILED', details: expect.objectContaining({ sessionReconnected: true }) }),
      ]);

      const after = await runToEnd(harness.client, sessionId, server.idSql);
      expect(idOf(after)).not.toBe(before);
      // Only the first run on the new connection carries the news.
      expect(after.results[0]).not.toHaveProperty('sessionReconnected');
      await harness.client.call('query.closeSession', { sessionId });
    });

    it('killed during a run: that run ends DB_CONN_LOST, the next run succeeds and says it reconnected', async () => {
      const sessionId = await harness.newSession(connectionId);
      const before = idOf(await runToEnd(harness.client, sessionId, server.idSql));
      const sleeping = await startRun(harness.client, sessionId, server.sleepSql);
      await expect.poll(async () => probe.running('sleep(30)'), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
      await terminate(before);
      const hit = await sleeping.collected;
      expect(hit.done.status).toBe('error');
      expect(hit.errors[0]!.error).toMatchObject({ code: 'DB_CONN_LOST', details: { sessionStateLost: true } });

      const next = await runToEnd(harness.client, sessionId, server.idSql);
      expect(next.results[0]).toMatchObject({ sessionReconnected: true });
      expect(idOf(next)).not.toBe(before);
      expect(next.done.status).toBe('success');
      await harness.client.call('query.closeSession', { sessionId });
    });
  });
}
