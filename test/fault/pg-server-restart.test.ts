/**
 * A PostgreSQL server that restarts under a running query (a throwaway cluster, stopped with `-m immediate`, which
 * kills every backend like a crash, and started again): the run ends DB_CONN_LOST with `sessionStateLost`, the bridge
 * stays up, and the same session's next run works on a new connection and says so (`sessionReconnected`) —
 * docs/api.md, "Lost connections". (pg_terminate_backend and MariaDB KILL of a session's connection are covered in
 * test/integration/sessions/lost-connection.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../protocol/index.js';
import { CERT_USER, pgClusterAvailable, startPgCluster, type TestPgCluster } from '../helpers/pg-cluster.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../helpers/test-ca.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

const canRun = opensslAvailable() && pgClusterAvailable();

describe.skipIf(!canRun)('a PostgreSQL server restarted mid-query', () => {
  let pki: TestPki;
  let cluster: TestPgCluster;
  let b: FaultBridge;
  beforeAll(async () => {
    pki = makeTestPki(CERT_USER);
    cluster = await startPgCluster(pki.files);
    b = await startFaultBridge();
  });
  afterAll(async () => {
    expect(await b?.stop()).toBe(0);
    await cluster?.stop();
    pki?.remove();
  });

  it('ends the run DB_CONN_LOST, and the same session works again on a new connection', async () => {
    const config = { name: 'restarting pg', type: 'postgres', host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'postgres' } as ConnectionConfig;
    const { sessionId } = await b.connect(config);
    expect((await b.run(sessionId, 'select 1 as one')).done.status).toBe('success');
    const { runId } = await b.client.call('query.run', { sessionId, sql: 'select pg_sleep(30)' });
    const collected = b.client.collectRun(runId);
    await new Promise((r) => setTimeout(r, 500));
    await cluster.restart();
    const run = await collected;
    expect(run.done.status).toBe('error');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]!.error).toMatchObject({ code: 'DB_CONN_LOST', details: { sessionStateLost: true } });
    await b.ping();
    const again = await b.run(sessionId, 'select 2 as two');
    expect(again.done.status).toBe('success');
    expect(again.results[0]).toMatchObject({ rows: [{ two: 2 }], sessionReconnected: true });
  }, 60_000);
});
