/**
 * Server-side cleanup after a worker dies: a statement a session was executing when its worker was SIGKILLed does not
 * go on running on the database server. The supervisor knows each session's backend id (PostgreSQL backend pid,
 * MariaDB connection id) and ends them from a short-lived worker of the same connection (docs/reliability.md,
 * "Server-side cleanup"). Checked from outside the bridge, in pg_stat_activity and information_schema.processlist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig, DebugState } from '../../protocol/index.js';
import { configFromUrl, testDatabase } from '../helpers/databases.js';
import { mysqlProbe, pgProbe, type ServerProbe } from '../integration/sessions/server-probes.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

interface Case {
  name: string;
  db: { url: string | undefined; skip: boolean };
  probe: (url: string) => Promise<ServerProbe>;
  idSql: string;
  statement: string;
  /** Run on the probe's connection before / after (a lock the statement then waits for). */
  before?: string[];
  after?: string[];
}

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');
const LOCK_TABLE = 'dbv_faults.cleanup_lock';

const cases: Case[] = [
  { name: 'PostgreSQL, select pg_sleep(30)', db: pg, probe: pgProbe, idSql: 'select pg_backend_pid() as id', statement: 'select pg_sleep(30)' },
  // MariaDB's SLEEP() itself checks every 5 s whether its client is still there; the lock wait below does not.
  { name: 'MariaDB, select sleep(30)', db: my, probe: mysqlProbe, idSql: 'select connection_id() as id', statement: 'select sleep(30)' },
  {
    name: 'MariaDB, a row-lock wait',
    db: my,
    probe: mysqlProbe,
    idSql: 'select connection_id() as id',
    statement: `select * from ${LOCK_TABLE} where id = 1 for update`,
    before: [
      'create database if not exists dbv_faults',
      `create table if not exists ${LOCK_TABLE} (id int primary key) engine=InnoDB`,
      `insert ignore into ${LOCK_TABLE} values (1)`,
      'start transaction',
      `select * from ${LOCK_TABLE} where id = 1 for update`,
    ],
    after: ['rollback'],
  },
];

let b: FaultBridge;
beforeAll(async () => {
  b = await startFaultBridge();
});
afterAll(async () => {
  expect(await b?.stop()).toBe(0);
});

for (const server of cases) {
  describe.skipIf(server.db.skip)(`after a worker is SIGKILLed mid-statement on ${server.name}`, () => {
    let probe: ServerProbe;
    beforeAll(async () => {
      probe = await server.probe(server.db.url!);
      for (const sql of server.before ?? []) await probe.query(sql);
    });
    afterAll(async () => {
      for (const sql of server.after ?? []) await probe?.query(sql);
      await probe?.close();
    });

    it('the statement is gone from the server within a few seconds, and the session works again', async () => {
      const config: ConnectionConfig = { ...configFromUrl(server.db.url!, `cleanup ${server.name}`), extra: { isolation: 'process' } };
      const { connectionId, sessionId } = await b.connect(config);
      const first = await b.run(sessionId, server.idSql);
      const backendId = Number((first.results[0]!.rows[0] as { id: unknown }).id);
      expect(backendId).toBeGreaterThan(0);
      const marker = `dbv_faults_cleanup_${Date.now()}`;
      const { runId } = await b.client.call('query.run', { sessionId, sql: `${server.statement} /* ${marker} */` });
      const collected = b.client.collectRun(runId);
      await expect.poll(() => probe.running(marker), { timeout: 10_000 }).toBe(1);

      const state: DebugState = await b.client.call('debug.dumpState', {});
      const pid = state.workers.find((w) => w.connectionId === connectionId)?.pid;
      expect(pid).toBeGreaterThan(0);
      const mark = b.statuses.length;
      process.kill(pid!, 'SIGKILL');
      const run = await collected;
      expect(run.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
      // Without the cleanup the pg_sleep and the lock wait would go on for 30 s or more (checked by hand: disabling it fails them).
      await expect.poll(() => probe.running(marker), { timeout: 15_000, interval: 200 }).toBe(0);

      await b.status(connectionId, 'ready', mark);
      const again = await b.run(sessionId, server.idSql);
      expect(again.done.status).toBe('success');
      expect(Number((again.results[0]!.rows[0] as { id: unknown }).id)).not.toBe(backendId);
      await b.ping();
      await b.client.call('connection.delete', { id: connectionId });
    }, 45_000);
  });
}
