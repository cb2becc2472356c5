/**
 * testConnection against the real server: success, and each failure mapped to its registry code with the driver's
 * details and never the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { adminClient, closedPort, silentServer } from './pg-fixture.js';

const db = await testDatabase('postgres');
const SECRET = 'dbv-secret-pw-9f3a';

async function failure(config: Parameters<typeof createPostgresConnector>[0]): Promise<BridgeError> {
  const connector = createPostgresConnector(config);
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

function expectNoSecret(err: BridgeError): void {
  expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain(SECRET);
}

describe.skipIf(db.skip)('PostgreSQL testConnection', () => {
  const base = () => configFromUrl(db.url!);

  beforeAll(async () => {
    const admin = await adminClient(db.url!);
    await admin.query(`DROP ROLE IF EXISTS dbv_conn_nologin`);
    await admin.query(`CREATE ROLE dbv_conn_nologin NOLOGIN`);
    await admin.end();
  });

  afterAll(async () => {
    const admin = await adminClient(db.url!);
    await admin.query(`DROP ROLE IF EXISTS dbv_conn_nologin`);
    await admin.end();
  });

  it('reports ok with the server version and latency', async () => {
    const connector = createPostgresConnector(base());
    try {
      const result = await connector.testConnection();
      expect(result.ok).toBe(true);
      expect(result.serverVersion).toMatch(/^\d+(\.\d+)?/);
      expect(result.message).toContain(result.serverVersion);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await connector.close();
    }
  });

  it('maps a closed port to DB_CONN_REFUSED with host and port', async () => {
    const port = await closedPort();
    const err = await failure({ ...base(), host: '127.0.0.1', port, password: SECRET });
    expect(err.code).toBe('DB_CONN_REFUSED');
    expect(err.details).toMatchObject({ host: '127.0.0.1', port, code: 'ECONNREFUSED' });
    expectNoSecret(err);
  });

  it('maps an unknown host name to DB_CONN_REFUSED', async () => {
    // .invalid is reserved (RFC 2606) and never resolves; the lookup fails locally.
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

  it('maps a missing database to DB_NOT_FOUND with sqlState 3D000', async () => {
    const err = await failure({ ...base(), database: 'dbv_conn_no_such_db' });
    expect(err.code).toBe('DB_NOT_FOUND');
    expect(err.details).toMatchObject({ sqlState: '3D000', database: 'dbv_conn_no_such_db' });
  });

  // This machine's pg_hba.conf trusts 127.0.0.1, so a wrong password is accepted and 28P01 cannot be provoked
  // here (the 28P01 mapping is pinned in test/unit/connectors/postgres-errors.test.ts). The server does reject a
  // login it cannot authorize — an unknown role or a NOLOGIN role — with SQLSTATE 28000, which is this real path.
  it('maps an unknown role to DB_AUTH_FAILED (28000) without the password', async () => {
    const err = await failure({ ...base(), user: 'dbv_conn_no_such_role', password: SECRET });
    expect(err.code).toBe('DB_AUTH_FAILED');
    expect(err.details).toMatchObject({ sqlState: '28000', user: 'dbv_conn_no_such_role' });
    expectNoSecret(err);
  });

  it('maps a NOLOGIN role to DB_AUTH_FAILED (28000)', async () => {
    const err = await failure({ ...base(), user: 'dbv_conn_nologin', password: SECRET });
    expect(err.code).toBe('DB_AUTH_FAILED');
    expect(err.details?.sqlState).toBe('28000');
    expectNoSecret(err);
  });

  it('maps openSession failures the same way', async () => {
    const port = await closedPort();
    const connector = createPostgresConnector({ ...base(), port });
    try {
      await expect(connector.openSession('s')).rejects.toMatchObject({ code: 'DB_CONN_REFUSED' });
    } finally {
      await connector.close();
    }
  });
});
