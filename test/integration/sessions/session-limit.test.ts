/**
 * Every session has a database connection of its own, outside the connection's small pool: six editors on one
 * connection all run at once (the pool holds four), and past `extra.maxSessions` query.createSession answers
 * SESSION_LIMIT at once — never a wait that ends DB_TIMEOUT; closing a session frees its slot. PostgreSQL and
 * MariaDB, over the bridge's JSON-RPC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { runToEnd, startRun, startSessionBridge, type SessionBridge } from './session-harness.js';

const servers = [
  { name: 'postgres', db: await testDatabase('postgres'), idSql: 'select pg_backend_pid() as id, pg_sleep(0.3) as slept' },
  { name: 'mysql', db: await testDatabase('mysql'), idSql: 'select connection_id() as id, sleep(0.3) as slept' },
] as const;

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge();
});
afterAll(async () => {
  await harness?.stop();
});

for (const server of servers) {
  describe.skipIf(server.db.skip)(`sessions per connection on ${server.name}`, () => {
    it('six sessions on a connection with the default pool of four all run at once, each on its own connection', async () => {
      const connectionId = await harness.connect({ ...configFromUrl(server.db.url!, `${server.name} six`), extra: { connectTimeoutMs: 3_000 } });
      const sessions = await Promise.all(Array.from({ length: 6 }, () => harness.newSession(connectionId)));
      const runs = await Promise.all(sessions.map((sessionId) => startRun(harness.client, sessionId, server.idSql)));
      const results = await Promise.all(runs.map((run) => run.collected));
      for (const run of results) expect(run.done.status).toBe('success');
      const ids = results.map((run) => Number((run.results[0]!.rows[0] as { id: unknown }).id));
      expect(new Set(ids).size).toBe(6);
      for (const sessionId of sessions) await harness.client.call('query.closeSession', { sessionId });
    });

    it('past maxSessions the next session is refused at once with SESSION_LIMIT; closing one frees a slot', async () => {
      const connectionId = await harness.connect({ ...configFromUrl(server.db.url!, `${server.name} two`), extra: { maxSessions: 2 } });
      const first = await harness.newSession(connectionId);
      const second = await harness.newSession(connectionId);
      const askedAt = Date.now();
      const refused = await harness.newSession(connectionId).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(Date.now() - askedAt).toBeLessThan(1_000);
      expect(refused).toBeInstanceOf(BridgeError);
      expect(refused).toMatchObject({ code: 'SESSION_LIMIT', details: { maxSessions: 2 } });
      // The two open sessions are unaffected.
      expect((await runToEnd(harness.client, second, 'select 1 as a')).done.status).toBe('success');

      await harness.client.call('query.closeSession', { sessionId: first });
      const third = await harness.newSession(connectionId);
      expect((await runToEnd(harness.client, third, 'select 1 as a')).done.status).toBe('success');
      for (const sessionId of [second, third]) await harness.client.call('query.closeSession', { sessionId });
    });
  });
}
