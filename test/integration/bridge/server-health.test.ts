/**
 * connector.status follows the database server, not only the worker: when the server drops the pool's connections
 * the connector reports `restarting` with the reason, and `ready` again once it reaches the server.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorStatusEvent } from '../../../protocol/index.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';

const db = await testDatabase('postgres');
const DATABASE = 'dbv_bridge_health';

describe.skipIf(db.skip)('connector.status when the PostgreSQL server drops the connection', () => {
  let admin: pg.Client;
  let bridge: BridgeProcess;
  let client: TestClient;
  const statuses: ConnectorStatusEvent[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`drop database if exists ${DATABASE} with (force)`);
    await admin.query(`create database ${DATABASE}`);
    bridge = await startBridgeProcess({ args: ['--no-sample'] });
    client = await connectWs(bridge.ready.url, bridge.token);
    client.on('connector.status', (s) => statuses.push(s));
  });
  afterAll(async () => {
    await client?.close();
    await bridge?.stop();
    await admin?.query(`drop database if exists ${DATABASE} with (force)`);
    await admin?.end();
  });

  it('reports restarting with the reason, then ready, and the connection works again', async () => {
    const config = { ...configFromUrl(db.url!, 'health'), database: DATABASE };
    const { id } = await client.call('connection.create', { config });
    await client.call('metadata.listSchemas', { connectionId: id });
    const mark = statuses.length;
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [DATABASE]);
    await expect.poll(() => statuses.slice(mark).map((s) => s.status), { timeout: 15_000 }).toEqual(['restarting', 'ready']);
    const [lost, recovered] = statuses.slice(mark);
    expect(lost).toMatchObject({ connectionId: id, reason: expect.stringMatching(/lost/) });
    expect(recovered).toMatchObject({ connectionId: id, reason: expect.stringMatching(/recovered/) });
    const meta = await client.call('metadata.listSchemas', { connectionId: id });
    expect(meta.database).toBe(DATABASE);
  });
});
