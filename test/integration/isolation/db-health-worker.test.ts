/**
 * A real connection worker (thread and child process) running the PostgreSQL and MySQL/MariaDB connectors: server
 * health reaches the supervisor as 'health' stream messages, and listSchemasJson is the metadata serialized once.
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { spawnConnectionWorker } from '../../../supervisor/isolation/worker-host.js';
import type { WorkerIsolation } from '../../../protocol/index.js';
import type { WorkerHandle } from '../../../supervisor/isolation/worker-handle.js';
import type { HealthStreamMessage, WorkerStreamMessage } from '../../../workers/channel/worker-messages.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';

interface Target {
  label: string;
  kind: 'postgres' | 'mysql';
  isolation: WorkerIsolation;
  database: string;
}

const TARGETS: Target[] = [
  { label: 'PostgreSQL in a thread', kind: 'postgres', isolation: 'thread', database: 'dbv_iso_pg_health' },
  { label: 'MariaDB in a child process', kind: 'mysql', isolation: 'process', database: 'dbv_iso_my_health' },
];

/** Creates the database, and returns how to kill the worker's idle pooled connections to it, and to drop it. */
async function fixture(kind: Target['kind'], url: string, database: string) {
  const admin = configFromUrl(url);
  if (kind === 'postgres') {
    const run = async (sql: string, values: unknown[] = []): Promise<unknown[]> => {
      const client = new pg.Client({ host: admin.host, port: admin.port, user: admin.user, password: admin.password, database: admin.database });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows;
      } finally {
        await client.end();
      }
    };
    await run(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await run(`CREATE DATABASE ${database}`);
    return {
      killIdle: async () =>
        (await run(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND application_name = 'dbv' AND state = 'idle' AND pid <> pg_backend_pid()`,
          [database],
        )).length,
      drop: () => run(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).then(() => undefined),
    };
  }
  const run = async (sql: string, values: unknown[] = []): Promise<unknown[]> => {
    const connection = await mysql.createConnection({ host: admin.host, port: admin.port, user: admin.user, password: admin.password });
    try {
      return (await connection.query(sql, values))[0] as unknown[];
    } finally {
      await connection.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS \`${database}\``);
  await run(`CREATE DATABASE \`${database}\``);
  await run(`CREATE TABLE \`${database}\`.t (id int PRIMARY KEY, label varchar(20))`);
  return {
    killIdle: async () => {
      const rows = (await run(
        `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Sleep'`,
        [database],
      )) as Array<{ ID: number }>;
      for (const { ID } of rows) await run(`KILL CONNECTION ${Number(ID)}`);
      return rows.length;
    },
    drop: () => run(`DROP DATABASE IF EXISTS \`${database}\``).then(() => undefined),
  };
}

const DATABASES = { postgres: await testDatabase('postgres'), mysql: await testDatabase('mysql') };

describe.each(TARGETS)('connection worker health: $label', ({ kind, isolation, database }) => {
  const db = DATABASES[kind];
  let handle: WorkerHandle;
  let dbFixture: Awaited<ReturnType<typeof fixture>>;
  const messages: WorkerStreamMessage[] = [];
  const health = (): HealthStreamMessage[] => messages.filter((m): m is HealthStreamMessage => m.type === 'health');

  beforeAll(async () => {
    if (db.skip) return;
    dbFixture = await fixture(kind, db.url!, database);
    const config: ConnectionConfig = { ...configFromUrl(db.url!, database), database, type: kind, name: `health ${kind}` };
    handle = spawnConnectionWorker({ isolation, name: `health-${kind}` });
    handle.onStream((message) => messages.push(message));
    await handle.api.init(config);
  });
  afterAll(async () => {
    await handle?.stop();
    await dbFixture?.drop();
  });

  it.skipIf(db.skip)('listSchemasJson is listSchemas serialized by the worker', async () => {
    const json = await handle.api.listSchemasJson();
    expect(typeof json).toBe('string');
    expect(JSON.parse(json)).toEqual(await handle.api.listSchemas());
    expect(JSON.parse(json)).toMatchObject({ database });
  });

  it.skipIf(db.skip)("streams 'health' lost, then recovered, when the pool's idle connections are killed", async () => {
    await handle.api.listSchemas();
    expect(await dbFixture.killIdle()).toBeGreaterThanOrEqual(1);
    const deadline = Date.now() + 10_000;
    while (health().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(health()).toEqual([
      expect.objectContaining({ type: 'health', state: 'lost', reason: expect.any(String) }),
      expect.objectContaining({ type: 'health', state: 'recovered', reason: expect.any(String) }),
    ]);
    expect(health().every((m) => !('runId' in m))).toBe(true);
    expect((await handle.api.listSchemas()).database).toBe(database);
  });
});
