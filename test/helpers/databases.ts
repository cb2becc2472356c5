/**
 * Where the integration tests find PostgreSQL and MySQL/MariaDB (README.md, "Set up"):
 * 1. `TEST_PG_URL` / `TEST_MYSQL_URL` when set (used as given: a wrong URL fails loudly);
 * 2. else the machine's local services (postgres://postgres@127.0.0.1:5432/postgres, mysql://root@127.0.0.1:3306/test)
 *    if they answer a real login;
 * 3. else a testcontainers container when a Docker engine answers;
 * 4. else the tests skip — except under `CI=true`, where a missing database is a thrown failure.
 *
 * Use at the top of a test file (vitest allows top-level await):
 *   const pg = await testDatabase('postgres');
 *   describe.skipIf(pg.skip)('…', () => { const config = configFromUrl(pg.url!); … });
 */
import mysql from 'mysql2';
import pg from 'pg';
import type { ConnectionConfig } from '../../protocol/index.js';

export type TestDatabaseKind = 'postgres' | 'mysql';

export const LOCAL_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

const PROBE_TIMEOUT_MS = 3_000;
const resolved = new Map<TestDatabaseKind, Promise<string | undefined>>();

async function answers(kind: TestDatabaseKind, url: string): Promise<boolean> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const connection = mysql.createConnection({ uri: url, connectTimeout: PROBE_TIMEOUT_MS });
  connection.on('error', () => undefined);
  try {
    await connection.promise().query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    connection.destroy();
  }
}

/** Starts a throwaway container; testcontainers' reaper removes it when the test process exits. */
async function fromContainer(kind: TestDatabaseKind): Promise<string | undefined> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  if (kind === 'postgres') {
    const container = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  }
  const container = await new GenericContainer('mariadb:11')
    .withEnvironment({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1', MARIADB_DATABASE: 'test' })
    .withExposedPorts(3306)
    .withWaitStrategy(Wait.forLogMessage(/ready for connections/, 2))
    .start();
  return `mysql://root@${container.getHost()}:${container.getMappedPort(3306)}/test`;
}

async function locate(kind: TestDatabaseKind): Promise<string | undefined> {
  const fromEnv = kind === 'postgres' ? process.env.TEST_PG_URL : process.env.TEST_MYSQL_URL;
  if (fromEnv) return fromEnv;
  const local = kind === 'postgres' ? LOCAL_PG_URL : LOCAL_MYSQL_URL;
  if (await answers(kind, local)) return local;
  return fromContainer(kind);
}

async function urlFor(kind: TestDatabaseKind): Promise<string | undefined> {
  let pending = resolved.get(kind);
  if (!pending) {
    pending = locate(kind);
    resolved.set(kind, pending);
  }
  const url = await pending;
  if (url === undefined && process.env.CI === 'true') {
    throw new Error(
      `No ${kind} database for the integration tests: set ${kind === 'postgres' ? 'TEST_PG_URL' : 'TEST_MYSQL_URL'}, ` +
        'start the local service, or provide a Docker engine (CI=true makes this a failure, not a skip).',
    );
  }
  return url;
}

export function pgUrl(): Promise<string | undefined> {
  return urlFor('postgres');
}

export function mysqlUrl(): Promise<string | undefined> {
  return urlFor('mysql');
}

/** Whether a test file should run: `describe.skipIf(db.skip)`. Throws under CI=true when the database is missing. */
export async function testDatabase(kind: TestDatabaseKind): Promise<{ url: string | undefined; skip: boolean }> {
  const url = await urlFor(kind);
  return { url, skip: url === undefined };
}

/** postgres://user:pass@host:port/db or mysql://… → a ConnectionConfig (the scheme picks the connector type). */
export function configFromUrl(url: string, name = 'test'): ConnectionConfig {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const type = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : undefined;
  if (type === undefined) throw new Error(`Unsupported database URL scheme: ${scheme}`);
  const config: ConnectionConfig = {
    name,
    type,
    host: decodeURIComponent(parsed.hostname.replace(/^\[(.*)\]$/, '$1')),
    port: parsed.port ? Number(parsed.port) : type === 'postgres' ? 5432 : 3306,
  };
  if (parsed.username) config.user = decodeURIComponent(parsed.username);
  if (parsed.password) config.password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) config.database = database;
  return config;
}
