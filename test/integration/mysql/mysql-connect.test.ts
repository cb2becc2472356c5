/**
 * testConnection against the real MariaDB/MySQL server: success, and each failure mapped to its registry code with
 * the driver's details and never the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, type ConnectionConfig } from '../../../protocol/index.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { adminConnection, closedPort, silentServer } from './mysql-fixture.js';

const db = await testDatabase('mysql');
const USER = 'dbv_conn_auth';
const PASSWORD = 'dbv-right-pw-51c2';
const WRONG = 'dbv-wrong-pw-77e0';

async function failure(config: ConnectionConfig): Promise<BridgeError> {
  const connector = createMysqlConnector(config);
  try {
    await connector.testConnection();
    throw new Error('testConnection unexpectedly succeeded');
  } catch (err) {
    expect(err).toBeInstanceOf(BridgeError);
    return err as BridgeError;
  } finally {
    await connector.close();
  }
}

function expectNoSecret(err: BridgeError, secret: string): void {
  expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain(secret);
}

describe.skipIf(db.skip)('MySQL testConnection', () => {
  const base = () => configFromUrl(db.url!);

  beforeAll(async () => {
    const admin = await adminConnection(db.url!);
    for (const host of ['%', 'localhost']) {
      await admin.query(`DROP USER IF EXISTS '${USER}'@'${host}'`);
      await admin.query(`CREATE USER '${USER}'@'${host}' IDENTIFIED BY '${PASSWORD}'`);
    }
    await admin.end();
  });

  afterAll(async () => {
    const admin = await adminConnection(db.url!);
    for (const host of ['%', 'localhost']) await admin.query(`DROP USER IF EXISTS '${USER}'@'${host}'`);
    await admin.end();
  });

  it('reports ok with the server version and latency', async () => {
    const connector = createMysqlConnector(base());
    try {
      const result = await connector.testConnection();
      expect(result.ok).toBe(true);
      expect(result.serverVersion).toMatch(/^\d+\.\d+/);
      expect(result.message).toContain(result.serverVersion);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await connector.close();
    }
  });

  it('accepts the right password of a password-protected user', async () => {
    const connector = createMysqlConnector({ ...base(), user: USER, password: PASSWORD, database: undefined });
    try {
      expect((await connector.testConnection()).ok).toBe(true);
    } finally {
      await connector.close();
    }
  });

  it('maps a wrong password to DB_AUTH_FAILED (1045) without the password', async () => {
    const err = await failure({ ...base(), user: USER, password: WRONG, database: undefined });
    expect(err.code).toBe('DB_AUTH_FAILED');
    expect(err.details).toMatchObject({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000', user: USER });
    expectNoSecret(err, WRONG);
    expectNoSecret(err, PASSWORD);
  });

  it('maps a closed port to DB_CONN_REFUSED with host and port', async () => {
    const port = await closedPort();
    const err = await failure({ ...base(), host: '127.0.0.1', port, password: WRONG });
    expect(err.code).toBe('DB_CONN_REFUSED');
    expect(err.details).toMatchObject({ host: '127.0.0.1', port, code: 'ECONNREFUSED' });
    expectNoSecret(err, WRONG);
  });

  it('maps an unknown host name to DB_CONN_REFUSED', async () => {
    const err = await failure({ ...base(), host: 'dbv-no-such-host.invalid' });
    expect(err.code).toBe('DB_CONN_REFUSED');
    expect(err.details?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('maps a host that accepts but never answers to DB_TIMEOUT after connectTimeoutMs', async () => {
    const server = await silentServer();
    try {
      const started = Date.now();
      const err = await failure({ ...base(), host: '127.0.0.1', port: server.port, extra: { connectTimeoutMs: 300 } });
      expect(err.code).toBe('DB_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err.details).toMatchObject({ host: '127.0.0.1', port: server.port });
    } finally {
      await server.close();
    }
  });

  it('maps a missing database to DB_NOT_FOUND (1049)', async () => {
    const err = await failure({ ...base(), database: 'dbv_conn_no_such_db' });
    expect(err.code).toBe('DB_NOT_FOUND');
    expect(err.details).toMatchObject({ errno: 1049, code: 'ER_BAD_DB_ERROR', database: 'dbv_conn_no_such_db' });
  });

  it('maps openSession failures the same way', async () => {
    const connector = createMysqlConnector({ ...base(), user: USER, password: WRONG });
    try {
      await expect(connector.openSession('s')).rejects.toMatchObject({ code: 'DB_AUTH_FAILED' });
    } finally {
      await connector.close();
    }
  });
});
