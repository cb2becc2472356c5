/**
 * TLS to a throwaway MariaDB server (test/helpers/mariadb-server.ts) with certificates from a test CA: each ssl mode
 * against the right CA, a wrong CA, a certificate for another host name, client-certificate authentication (REQUIRE
 * X509), a server without TLS; plus connection.test's TLS hop.
 *
 * mysql2 checks the host name against `localhost` when the host is an IP address (it sets no SNI name for IPs), so
 * the host-name cases connect to `localhost`; docs/api.md "TLS and SSH" names this limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, type ConnectionConfig } from '../../../protocol/index.js';
import { testConnectionHops } from '../../../workers/connectors/connection-hops.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { settlePreferredTls } from '../../../workers/connectors/tls-probe.js';
import { MARIADB_CERT_USER, mariadbServerAvailable, startMariadb, type TestMariadb } from '../../helpers/mariadb-server.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../../helpers/test-ca.js';

const canRun = opensslAvailable() && mariadbServerAvailable();
const CIPHER_SQL = `SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'`;

/** Connects, and says whether the session is encrypted (its cipher is not empty). */
async function encrypted(config: ConnectionConfig): Promise<boolean> {
  const connector = createMysqlConnector(config);
  try {
    await connector.openSession('s');
    const batches = [];
    for await (const batch of connector.runQuery('s', CIPHER_SQL, { batchSize: 10, signal: new AbortController().signal })) batches.push(batch);
    return String((batches[0]!.rows as unknown[][])[0]![0] ?? '').length > 0;
  } finally {
    await connector.close();
  }
}

async function failure(config: ConnectionConfig): Promise<BridgeError> {
  const connector = createMysqlConnector(config);
  try {
    await connector.testConnection();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return error as BridgeError;
  } finally {
    await connector.close();
  }
  throw new Error('expected the connection to fail');
}

describe.skipIf(!canRun)('MariaDB TLS against a throwaway server', () => {
  let pki: TestPki;
  let server: TestMariadb;
  const config = (ssl: ConnectionConfig['ssl'], over: Partial<ConnectionConfig> = {}): ConnectionConfig => ({
    name: 'tls',
    type: 'mysql',
    host: 'localhost',
    port: server.port,
    user: 'dbv',
    ssl,
    extra: { connectTimeoutMs: 5000 },
    ...over,
  });

  beforeAll(async () => {
    pki = makeTestPki(MARIADB_CERT_USER);
    server = await startMariadb(pki.files);
  }, 90_000);
  afterAll(async () => {
    await server?.remove();
    pki?.remove();
  });

  it('verify-full succeeds with the right CA', async () => {
    expect(await encrypted(config({ mode: 'verify-full', ca: pki.ca }))).toBe(true);
    expect(await encrypted(config({ mode: 'verify-full', ca: pki.ca }, { host: '127.0.0.1' }))).toBe(true);
  });

  it('verify-full and verify-ca fail with DB_TLS_FAILED (unknown-ca) against a wrong CA', async () => {
    for (const mode of ['verify-full', 'verify-ca'] as const) {
      const error = await failure(config({ mode, ca: pki.wrongCa }));
      expect(error.code).toBe('DB_TLS_FAILED');
      expect(error.details).toMatchObject({ reason: 'unknown-ca', hop: 'tls', port: server.port });
    }
  });

  it('require without a CA succeeds (encrypted, unverified); disable connects in plain', async () => {
    expect(await encrypted(config({ mode: 'require' }))).toBe(true);
    expect(await encrypted(config({ mode: 'disable' }))).toBe(false);
  });

  it('authenticates a REQUIRE X509 user with a client certificate, and refuses it without one', async () => {
    const withCert = config({ mode: 'verify-full', ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, { user: MARIADB_CERT_USER });
    expect(await encrypted(withCert)).toBe(true);
    const error = await failure(config({ mode: 'verify-full', ca: pki.ca }, { user: MARIADB_CERT_USER }));
    expect(error.code).toBe('DB_AUTH_FAILED');
  });

  it('reports the TLS hop of connection.test, and the failing one alone', async () => {
    const good = config({ mode: 'verify-full', ca: pki.ca });
    const okConnector = createMysqlConnector(good);
    try {
      const result = await testConnectionHops(good, okConnector, undefined);
      expect(result.ok).toBe(true);
      expect(result.hops?.map((h) => [h.hop, h.ok])).toEqual([['tls', true], ['database', true]]);
    } finally {
      await okConnector.close();
    }
    const bad = config({ mode: 'verify-ca', ca: pki.wrongCa });
    const badConnector = createMysqlConnector(bad);
    try {
      const result = await testConnectionHops(bad, badConnector, undefined);
      expect(result.ok).toBe(false);
      expect(result.hops).toEqual([expect.objectContaining({ hop: 'tls', ok: false, error: expect.objectContaining({ code: 'DB_TLS_FAILED' }) })]);
    } finally {
      await badConnector.close();
    }
  });

  describe('with a certificate for another host name', () => {
    beforeAll(() => server.useServerCertificate(pki.files.wrongNameCert, pki.files.wrongNameKey));
    afterAll(() => server.useServerCertificate(pki.files.serverCert, pki.files.serverKey));

    it('verify-full fails with DB_TLS_FAILED (hostname-mismatch); verify-ca succeeds', async () => {
      const error = await failure(config({ mode: 'verify-full', ca: pki.ca }));
      expect(error.code).toBe('DB_TLS_FAILED');
      expect(error.details).toMatchObject({ reason: 'hostname-mismatch' });
      expect(await encrypted(config({ mode: 'verify-ca', ca: pki.ca }))).toBe(true);
    });
  });

  it('prefer settles on TLS when the server offers it', async () => {
    const preferred = config({ mode: 'prefer' });
    await settlePreferredTls(preferred, 5000);
    expect(preferred.ssl?.mode).toBe('require');
    expect(await encrypted(preferred)).toBe(true);
  });

  describe('on a server without TLS', () => {
    beforeAll(() => server.restart(false), 60_000);

    it('require fails with DB_TLS_FAILED (server-no-tls); prefer settles on plain and connects', async () => {
      const error = await failure(config({ mode: 'require' }));
      expect(error.code).toBe('DB_TLS_FAILED');
      expect(error.details).toMatchObject({ reason: 'server-no-tls' });
      const preferred = config({ mode: 'prefer' });
      await settlePreferredTls(preferred, 5000);
      expect(preferred.ssl?.mode).toBe('disable');
      expect(await encrypted(preferred)).toBe(false);
    });
  });
});
