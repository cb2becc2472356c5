/**
 * TLS to a throwaway PostgreSQL cluster (test/helpers/pg-cluster.ts) with certificates from a test CA: each ssl mode
 * against the right CA, a wrong CA, a certificate for another host name, a server without TLS, and client-certificate
 * authentication; plus connection.test's TLS hop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, type ConnectionConfig } from '../../../protocol/index.js';
import { testConnectionHops } from '../../../workers/connectors/connection-hops.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { settlePreferredTls } from '../../../workers/connectors/tls-probe.js';
import { CERT_USER, pgClusterAvailable, startPgCluster, type TestPgCluster } from '../../helpers/pg-cluster.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../../helpers/test-ca.js';

const canRun = opensslAvailable() && pgClusterAvailable();

async function connects(config: ConnectionConfig): Promise<boolean> {
  const connector = createPostgresConnector(config);
  try {
    await connector.openSession('s');
    const batches = [];
    for await (const batch of connector.runQuery('s', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', { batchSize: 10, signal: new AbortController().signal })) {
      batches.push(batch);
    }
    const ssl = (batches[0]!.rows as unknown[][])[0]![0];
    return ssl === true || ssl === 't';
  } finally {
    await connector.close();
  }
}

async function tlsFailure(config: ConnectionConfig): Promise<BridgeError> {
  const connector = createPostgresConnector(config);
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

describe.skipIf(!canRun)('PostgreSQL TLS against a throwaway cluster', () => {
  let pki: TestPki;
  let cluster: TestPgCluster;
  const config = (ssl: ConnectionConfig['ssl'], over: Partial<ConnectionConfig> = {}): ConnectionConfig => ({
    name: 'tls',
    type: 'postgres',
    host: 'localhost',
    port: cluster.port,
    user: 'postgres',
    database: 'postgres',
    ssl,
    extra: { connectTimeoutMs: 5000 },
    ...over,
  });

  beforeAll(async () => {
    pki = makeTestPki(CERT_USER);
    cluster = await startPgCluster(pki.files);
  });
  afterAll(async () => {
    await cluster?.stop();
    pki?.remove();
  });

  it('verify-full succeeds with the right CA, by name and by IP address (the certificate names both)', async () => {
    expect(await connects(config({ mode: 'verify-full', ca: pki.ca }))).toBe(true);
    expect(await connects(config({ mode: 'verify-full', ca: pki.ca }, { host: '127.0.0.1' }))).toBe(true);
  });

  it('verify-full and verify-ca fail with DB_TLS_FAILED (unknown-ca) against a wrong CA', async () => {
    for (const mode of ['verify-full', 'verify-ca'] as const) {
      const error = await tlsFailure(config({ mode, ca: pki.wrongCa }));
      expect(error.code).toBe('DB_TLS_FAILED');
      expect(error.details).toMatchObject({ reason: 'unknown-ca', hop: 'tls', host: 'localhost', port: cluster.port });
    }
  });

  it('require without a CA succeeds (encrypted, unverified); disable connects in plain', async () => {
    expect(await connects(config({ mode: 'require' }))).toBe(true);
    expect(await connects(config({ mode: 'disable' }))).toBe(false);
  });

  it('authenticates with a client certificate (clientcert=verify-full), and refuses the user without one', async () => {
    const withCert = config({ mode: 'verify-full', ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, { user: CERT_USER });
    expect(await connects(withCert)).toBe(true);
    const error = await tlsFailure(config({ mode: 'verify-full', ca: pki.ca }, { user: CERT_USER }));
    expect(error.code).toBe('DB_AUTH_FAILED');
  });

  it('reports each hop of connection.test: TLS then the database, or the failing TLS hop alone', async () => {
    const good = config({ mode: 'verify-full', ca: pki.ca });
    const okConnector = createPostgresConnector(good);
    try {
      const result = await testConnectionHops(good, okConnector, undefined);
      expect(result.ok).toBe(true);
      expect(result.hops?.map((h) => [h.hop, h.ok])).toEqual([['tls', true], ['database', true]]);
      for (const hop of result.hops!) expect(hop.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await okConnector.close();
    }
    const bad = config({ mode: 'verify-full', ca: pki.wrongCa });
    const badConnector = createPostgresConnector(bad);
    try {
      const result = await testConnectionHops(bad, badConnector, undefined);
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('DB_TLS_FAILED');
      expect(result.hops).toHaveLength(1);
      expect(result.hops![0]).toMatchObject({ hop: 'tls', ok: false, error: { code: 'DB_TLS_FAILED', details: { reason: 'unknown-ca' } } });
    } finally {
      await badConnector.close();
    }
  });

  describe('with a certificate for another host name', () => {
    beforeAll(async () => {
      await cluster.useServerCertificate(pki.files.wrongNameCert, pki.files.wrongNameKey);
    });
    afterAll(async () => {
      await cluster.useServerCertificate(pki.files.serverCert, pki.files.serverKey);
    });

    it('verify-full fails with DB_TLS_FAILED (hostname-mismatch); verify-ca, which checks only the chain, succeeds', async () => {
      for (const host of ['localhost', '127.0.0.1']) {
        const error = await tlsFailure(config({ mode: 'verify-full', ca: pki.ca }, { host }));
        expect(error.code).toBe('DB_TLS_FAILED');
        expect(error.details).toMatchObject({ reason: 'hostname-mismatch' });
      }
      expect(await connects(config({ mode: 'verify-ca', ca: pki.ca }))).toBe(true);
    });
  });

  describe('on a server without TLS', () => {
    beforeAll(async () => {
      await cluster.setSsl(false);
    });
    afterAll(async () => {
      await cluster.setSsl(true);
    });

    it('require fails with DB_TLS_FAILED (server-no-tls); prefer settles on plain and connects', async () => {
      const error = await tlsFailure(config({ mode: 'require' }));
      expect(error.code).toBe('DB_TLS_FAILED');
      expect(error.details).toMatchObject({ reason: 'server-no-tls' });
      const preferred = config({ mode: 'prefer' });
      await settlePreferredTls(preferred, 5000);
      expect(preferred.ssl?.mode).toBe('disable');
      expect(await connects(preferred)).toBe(false);
    });
  });

  it('prefer settles on TLS when the server offers it', async () => {
    const preferred = config({ mode: 'prefer' });
    await settlePreferredTls(preferred, 5000);
    expect(preferred.ssl?.mode).toBe('require');
    expect(await connects(preferred)).toBe(true);
  });
});
