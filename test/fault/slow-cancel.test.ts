/**
 * A cancel that does not stop its run within the cancel grace ends that session's own database connection, not the
 * connection's worker: another session's run on the same connection (same worker) survives and completes, no worker
 * restarts, the cancelled run ends 'cancelled', and its session's next run is on a new connection, marked
 * `sessionReconnected` (docs/api.md, "Cancelling a run"; docs/reliability.md, "Cancel escalation").
 *
 * The slow cancel is made deterministic with the fault-injection bridge's DBV_FAULT_SLOW_CANCEL_MS: every server
 * cancel (KILL QUERY / pg_cancel_backend) waits 60 s before it is sent, far past the 2 s grace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig, ConnectorStatusEvent, WorkerIsolation } from '../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../helpers/clients.js';
import { configFromUrl, testDatabase } from '../helpers/databases.js';
import { mysqlProbe, pgProbe, type ServerProbe } from '../integration/sessions/server-probes.js';
import { expectSingleDone, startRun, uniqueMarker, workerOf } from '../integration/sessions/session-harness.js';

const SERVERS = [
  {
    label: 'MariaDB',
    db: await testDatabase('mysql'),
    openProbe: mysqlProbe,
    sleep: (seconds: number, marker: string) => `SELECT SLEEP(${seconds}) AS slept, '${marker}' AS tag`,
  },
  {
    label: 'PostgreSQL',
    db: await testDatabase('postgres'),
    openProbe: pgProbe,
    sleep: (seconds: number, marker: string) => `select pg_sleep(${seconds})::text as slept, '${marker}' as tag`,
  },
];
const ISOLATIONS: WorkerIsolation[] = ['thread', 'process'];

let bridge: BridgeProcess;
let client: TestClient;
const statuses: ConnectorStatusEvent[] = [];

beforeAll(async () => {
  bridge = await startBridgeProcess({
    fromDist: true,
    args: ['--no-ui', '--no-sample', '--enable-fault-injection', '--enable-debug'],
    env: { DBV_FAULT_SLOW_CANCEL_MS: '60000' },
  });
  client = await connectWs(bridge.ready.url, bridge.token);
  client.on('connector.status', (s) => statuses.push(s));
});
afterAll(async () => {
  await client?.close().catch(() => undefined);
  expect(await bridge?.stop()).toBe(0);
});

describe.each(SERVERS)('a cancel that misses its grace on $label', (server) => {
  let probe: ServerProbe;
  beforeAll(async () => {
    if (!server.db.skip) probe = await server.openProbe(server.db.url!);
  });
  afterAll(async () => {
    await probe?.close();
  });

  it.skipIf(server.db.skip).each(ISOLATIONS)(
    '%s worker: ends that session’s connection only; the other session’s run completes; the next run reconnects',
    async (isolation) => {
      const config = { ...configFromUrl(server.db.url!, `${server.label} slow cancel ${isolation}`), extra: { isolation } } as ConnectionConfig;
      const { id: connectionId } = await client.call('connection.create', { config });
      const sessionA = (await client.call('query.createSession', { connectionId })).sessionId;
      const sessionB = (await client.call('query.createSession', { connectionId })).sessionId;
      const workerBefore = await workerOf(client, connectionId);
      const statusesBefore = statuses.length;

      const markerA = uniqueMarker('slowcancel_a');
      const runA = await startRun(client, sessionA, server.sleep(60, markerA));
      await expect.poll(() => probe.running(markerA), { timeout: 5_000, interval: 50 }).toBe(1);
      // Long enough to outlive the grace (2 s) and the escalation that follows it.
      const runB = await startRun(client, sessionB, server.sleep(5, uniqueMarker('slowcancel_b')));

      const cancelAt = Date.now();
      expect(await client.call('query.cancel', { sessionId: sessionA })).toEqual({ cancelled: true });
      const a = await runA.collected;
      const cancelToDoneMs = Date.now() - cancelAt;
      await expectSingleDone(client, runA.runId);
      expect(a.errors).toEqual([]);
      expect(a.done.status).toBe('cancelled');
      // Not by the (60 s late) server cancel: by the end of its connection after the 2 s grace.
      expect(cancelToDoneMs).toBeGreaterThanOrEqual(1_900);
      expect(cancelToDoneMs).toBeLessThan(30_000);
      // The server lets the statement go too (its connection is ended from the server side as well).
      await expect.poll(() => probe.running(markerA), { timeout: 10_000, interval: 100 }).toBe(0);

      const b = await runB.collected;
      await expectSingleDone(client, runB.runId);
      expect(b.errors).toEqual([]);
      expect(b.done.status).toBe('success');
      expect(b.done.rows).toBe(1);

      const next = await startRun(client, sessionA, 'select 1 as one');
      const n = await next.collected;
      expect(n.errors).toEqual([]);
      expect(n.done.status).toBe('success');
      expect(n.results[0]).toMatchObject({ rows: [{ one: 1 }], sessionReconnected: true });

      const workerAfter = await workerOf(client, connectionId);
      expect(workerAfter.restarts).toBe(workerBefore.restarts);
      expect(workerAfter.status).toBe('ready');
      expect(statuses.slice(statusesBefore).filter((s) => s.connectionId === connectionId && s.status === 'restarting')).toEqual([]);
      await client.call('query.closeSession', { sessionId: sessionA });
      await client.call('query.closeSession', { sessionId: sessionB });
    },
    60_000,
  );
});
