/**
 * Every connection has its own worker: killing one (a thread ended by an injected exit, a child process SIGKILLed
 * or aborted) does not disturb another connection's running query. Also: connection.test through the bridge maps
 * failures to registry codes, and each connection's worker is visible in debug.dumpState.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig, DebugState, WorkerIsolation } from '../../../protocol/index.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { configFromUrl, mysqlUrl, pgUrl } from '../../helpers/databases.js';

const VICTIM_SQL = 'select g, pg_sleep(0.002) from generate_series(1, 1500) g';

describe('connections are isolated from each other', async () => {
  const pg = await pgUrl();
  const my = await mysqlUrl();
  let bridge: BridgeProcess;
  let client: TestClient;
  let pgId: string;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--enable-fault-injection', '--enable-debug', '--no-sample'] });
    client = await connectWs(bridge.ready.url, bridge.token);
    pgId = (await client.call('connection.create', { config: { ...configFromUrl(pg!), name: 'pg victim' } })).id;
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  const faulty = async (isolation: WorkerIsolation): Promise<{ id: string; sessionId: string }> => {
    // 'faulty' is not a public ConnectorType; this bridge accepts it because it runs with --enable-fault-injection.
    const config = { name: `faulty ${isolation}`, type: 'faulty', extra: { isolation } } as unknown as ConnectionConfig;
    const { id } = await client.call('connection.create', { config });
    const { sessionId } = await client.call('query.createSession', { connectionId: id });
    return { id, sessionId };
  };
  const workerOf = async (connectionId: string) => {
    const state: DebugState = await client.call('debug.dumpState', {});
    return state.workers.find((w) => w.connectionId === connectionId)!;
  };

  const cases: Array<[string, WorkerIsolation, (f: { id: string; sessionId: string }) => Promise<void>]> = [
    ['a thread worker that exits', 'thread', async (f) => void (await client.call('query.run', { sessionId: f.sessionId, sql: 'exit' }))],
    ['a process worker killed with SIGKILL', 'process', async (f) => void process.kill((await workerOf(f.id)).pid!, 'SIGKILL')],
    ['a process worker that aborts (SIGABRT)', 'process', async (f) => void (await client.call('query.run', { sessionId: f.sessionId, sql: 'abort' }))],
  ];

  for (const [name, isolation, kill] of cases) {
    it.skipIf(!pg)(`${name} leaves a PostgreSQL query on another connection untouched`, async () => {
      const victim = await client.call('query.createSession', { connectionId: pgId });
      const other = await faulty(isolation);
      const { runId } = await client.call('query.run', { sessionId: victim.sessionId, sql: VICTIM_SQL, opts: { batchSize: 50, rowFormat: 'array' } });
      const collected = client.collectRun(runId, 60_000);
      await client.waitFor('query.result', (p: { runId: string }) => p.runId === runId);
      const worker = await workerOf(other.id);
      expect(worker.isolation).toBe(isolation);
      await kill(other);
      await client.waitFor('connector.status', (s: { connectionId: string; status: string }) => s.connectionId === other.id && s.status === 'restarting');
      const run = await collected;
      expect(run.errors).toEqual([]);
      expect(run.done).toMatchObject({ status: 'success', rows: 1500 });
      expect(run.results.flatMap((r) => r.rows).map((row) => (row as unknown[])[0])).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
      await client.call('query.closeSession', { sessionId: victim.sessionId });
    });
  }

  it.skipIf(!pg || !my)('shows one worker per connection in debug.dumpState', async () => {
    const myId = (await client.call('connection.create', { config: { ...configFromUrl(my!), name: 'maria' } })).id;
    await client.call('metadata.listSchemas', { connectionId: myId });
    await client.call('metadata.listSchemas', { connectionId: pgId });
    const state: DebugState = await client.call('debug.dumpState', {});
    const pgWorker = state.workers.find((w) => w.connectionId === pgId)!;
    const myWorker = state.workers.find((w) => w.connectionId === myId)!;
    expect(pgWorker).toMatchObject({ type: 'postgres', isolation: 'thread', status: 'ready' });
    expect(myWorker).toMatchObject({ type: 'mysql', isolation: 'thread', status: 'ready' });
    expect(pgWorker.threadId).not.toBe(myWorker.threadId);
  });

  it.skipIf(!pg || !my)('maps connection.test failures to registry codes, with driver details and no password', async () => {
    const base = configFromUrl(pg!) as ConnectionConfig;
    const refused = await client.call('connection.test', { config: { ...base, name: 'refused', port: 1 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DB_CONN_REFUSED' } });
    const missing = await client.call('connection.test', { config: { ...base, name: 'missing', database: 'dbv_no_such_db' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'DB_NOT_FOUND' } });
    const secret = 'wrong-pw-7f3a91';
    const auth = await client.call('connection.test', { config: { ...configFromUrl(my!), name: 'auth', user: 'dbv_no_such_user', password: secret } });
    expect(auth).toMatchObject({ ok: false, error: { code: 'DB_AUTH_FAILED' } });
    expect(JSON.stringify(auth)).not.toContain(secret);
    const ok = await client.call('connection.test', { connectionId: pgId });
    expect(ok).toMatchObject({ ok: true, serverVersion: expect.any(String), latencyMs: expect.any(Number) });
  });
});
