/**
 * Server health events of the MySQL/MariaDB connector (Connector.onHealth) against a real server: idle pooled
 * connections killed from another client, the server going away behind a TCP relay and coming back, and a session's
 * own connection dying (reported by its runs, not here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { Connector, HealthEvent } from '../../../workers/connectors/connector.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { startTcpProxy } from '../postgres/tcp-proxy.js';
import { adminConnection, closedPort, collect, createTestDatabase, dropTestDatabase } from './mysql-fixture.js';

const db = await testDatabase('mysql');
const DB_NAME = 'dbv_conn_my_health';

/** KILL CONNECTION for this database's idle connections except `keep` (and the admin's own). */
async function killIdleConnections(url: string, keep: number[] = []): Promise<number> {
  const admin = await adminConnection(url);
  try {
    const [rows] = await admin.query(
      `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Sleep' AND ID <> CONNECTION_ID()`,
      [DB_NAME],
    );
    const ids = (rows as Array<{ ID: number }>).map((r) => Number(r.ID)).filter((id) => !keep.includes(id));
    for (const id of ids) await admin.query(`KILL CONNECTION ${id}`);
    return ids.length;
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(db.skip)('MySQL/MariaDB connector health events', () => {
  let config: ConnectionConfig;

  beforeAll(async () => {
    config = await createTestDatabase(db.url!, DB_NAME);
  });
  afterAll(async () => {
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it("reports 'lost' once when idle pooled connections are killed, then 'recovered' once a probe succeeds", async () => {
    const connector = createMysqlConnector({ ...config, extra: { poolSize: 3 } });
    const health = recorder(connector);
    try {
      await Promise.all([connector.getMetadata(), connector.getMetadata(), connector.getMetadata()]);
      expect(await killIdleConnections(db.url!)).toBeGreaterThanOrEqual(1);

      await health.until(2);
      await pause(300);
      expect(health.events).toHaveLength(2);
      expect(health.events[0]).toMatchObject({ state: 'lost', reason: expect.any(String) });
      expect(health.events[0].code).toMatch(/^(PROTOCOL_CONNECTION_LOST|ER_CONNECTION_KILLED|ECONNRESET)$/);
      expect(health.events[1]).toMatchObject({ state: 'recovered' });
      expect((await connector.getMetadata()).database).toBe(DB_NAME);
      expect(health.events).toHaveLength(2);
    } finally {
      await connector.close();
    }
  });

  it("a session's connection killed is its runs' DB_CONN_LOST, not a health event", async () => {
    const connector = createMysqlConnector(config);
    const health = recorder(connector);
    try {
      await connector.openSession('s1');
      await collect(connector.runQuery('s1', 'SELECT 1', { batchSize: 10, signal: new AbortController().signal }));
      expect(await killIdleConnections(db.url!)).toBe(1);
      await pause(300);
      await expect(
        collect(connector.runQuery('s1', 'SELECT 1', { batchSize: 10, signal: new AbortController().signal })),
      ).rejects.toMatchObject({ code: 'DB_CONN_LOST' });
      expect(health.events).toEqual([]);
    } finally {
      await connector.close();
    }
  });

  it("reports the server going away once, keeps probing while it refuses, and 'recovered' when it is back", async () => {
    const proxy = await startTcpProxy(config.port ?? 3306, config.host ?? '127.0.0.1');
    const connector = createMysqlConnector({ ...config, host: '127.0.0.1', port: proxy.port, extra: { connectTimeoutMs: 1_000 } });
    const health = recorder(connector);
    try {
      await connector.getMetadata();
      await proxy.down();
      await health.until(1);
      await expect(connector.getMetadata()).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
      await pause(1_500);
      expect(health.events).toHaveLength(1);
      expect(health.events[0]).toMatchObject({ state: 'lost' });

      await proxy.up();
      await health.until(2);
      expect(health.events[1]).toMatchObject({ state: 'recovered' });
      expect((await connector.getMetadata()).database).toBe(DB_NAME);
      expect(health.events).toHaveLength(2);
    } finally {
      await connector.close();
      await proxy.close();
    }
  });

  it('reports nothing for a server that never answered: that is a connect error', async () => {
    const connector = createMysqlConnector({ ...config, host: '127.0.0.1', port: await closedPort() });
    const health = recorder(connector);
    try {
      await expect(connector.getMetadata()).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
      await pause(200);
      expect(health.events).toEqual([]);
    } finally {
      await connector.close();
    }
  });
});
