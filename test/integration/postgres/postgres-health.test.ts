/**
 * Server health events of the PostgreSQL connector (Connector.onHealth) against a real server: idle pooled backends
 * terminated from another client, and the server going away behind a TCP relay and coming back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { Connector, HealthEvent } from '../../../workers/connectors/connector.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminClient, closedPort, createTestDatabase, dropTestDatabase } from './pg-fixture.js';
import { startTcpProxy } from './tcp-proxy.js';

const db = await testDatabase('postgres');
const DB_NAME = 'dbv_conn_pg_health';
const PASSWORD = 'not-Really-a-s3cret';

/** Terminates the connector's idle pooled backends (the connector names its sessions application_name 'dbv'). */
async function terminateIdleBackends(url: string): Promise<number> {
  const admin = await adminClient(url);
  try {
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'dbv' AND state = 'idle' AND pid <> pg_backend_pid()`,
      [DB_NAME],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

function recorder(connector: Connector): { events: HealthEvent[]; until(n: number, timeoutMs?: number): Promise<void> } {
  const events: HealthEvent[] = [];
  connector.onHealth!((event) => events.push(event));
  return {
    events,
    async until(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} health events, got ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

describe.skipIf(db.skip)('PostgreSQL connector health events', () => {
  let config: ConnectionConfig;

  beforeAll(async () => {
    config = { ...(await createTestDatabase(db.url!, DB_NAME)), password: PASSWORD };
  });
  afterAll(async () => {
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it("reports 'lost' once when idle pooled backends are terminated, then 'recovered' once a probe succeeds", async () => {
    const connector = createPostgresConnector({ ...config, extra: { poolSize: 3 } });
    const health = recorder(connector);
    try {
      // Three concurrent catalog reads leave up to three idle clients in the pool.
      await Promise.all([connector.getMetadata(), connector.getMetadata(), connector.getMetadata()]);
      expect(await terminateIdleBackends(db.url!)).toBeGreaterThanOrEqual(1);

      await health.until(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(health.events).toEqual([
        { state: 'lost', reason: 'terminating connection due to administrator command', code: '57P01' },
        { state: 'recovered', reason: expect.any(String) },
      ]);
      const metadata = await connector.getMetadata();
      expect(metadata.database).toBe(DB_NAME);
      expect(health.events).toHaveLength(2);
    } finally {
      await connector.close();
    }
  });

  it("reports the server going away once, keeps probing while it refuses, and 'recovered' when it is back", async () => {
    const proxy = await startTcpProxy(config.port ?? 5432, config.host ?? '127.0.0.1');
    const connector = createPostgresConnector({ ...config, host: '127.0.0.1', port: proxy.port, extra: { connectTimeoutMs: 1_000 } });
    const health = recorder(connector);
    try {
      await connector.getMetadata();
      await proxy.down();
      await health.until(1);
      // New work fails with the server's absence, and is not reported again.
      await expect(connector.getMetadata()).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
      await expect(connector.openSession('s1')).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // at least one probe fails meanwhile
      expect(health.events).toHaveLength(1);
      expect(health.events[0]).toMatchObject({ state: 'lost' });

      await proxy.up();
      await health.until(2, 10_000);
      expect(health.events[1]).toMatchObject({ state: 'recovered' });
      expect((await connector.getMetadata()).database).toBe(DB_NAME);
      expect(health.events).toHaveLength(2);
      for (const event of health.events) expect(JSON.stringify(event)).not.toContain(PASSWORD);
    } finally {
      await connector.close();
      await proxy.close();
    }
  });

  it('reports nothing for a server that never answered: that is a connect error', async () => {
    const connector = createPostgresConnector({ ...config, host: '127.0.0.1', port: await closedPort() });
    const health = recorder(connector);
    try {
      await expect(connector.getMetadata()).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(health.events).toEqual([]);
    } finally {
      await connector.close();
    }
  });
});
