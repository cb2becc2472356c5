/** TLS modes → what the drivers are told, and TLS failures → DB_TLS_FAILED reasons (mysql2's wrapped errors too). */
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { mysqlConnectionOptions } from '../../../workers/connectors/mysql/mysql-config.js';
import { sslModeOf, tlsSettings, tunnelOf } from '../../../workers/connectors/network-config.js';
import { pgClientConfig } from '../../../workers/connectors/postgres/postgres-config.js';
import { mapTlsFailure, tlsFailureReason } from '../../../workers/connectors/tls-errors.js';

const base: ConnectionConfig = { name: 't', type: 'postgres', host: 'db.example', port: 5432 };

describe('TLS modes', () => {
  it('reads older configs without a mode as verify-full, or require with rejectUnauthorized: false', () => {
    expect(sslModeOf(undefined)).toBe('disable');
    expect(sslModeOf({})).toBe('verify-full');
    expect(sslModeOf({ rejectUnauthorized: false })).toBe('require');
    expect(sslModeOf({ mode: 'verify-ca', rejectUnauthorized: false })).toBe('verify-ca');
  });

  it('verifies what each mode promises; require with a CA verifies the chain, as libpq does', () => {
    expect(tlsSettings({ mode: 'disable', ca: 'x' })).toBeUndefined();
    expect(tlsSettings({ mode: 'prefer' })).toMatchObject({ verifyChain: false, verifyHostname: false });
    expect(tlsSettings({ mode: 'require' })).toMatchObject({ verifyChain: false, verifyHostname: false });
    expect(tlsSettings({ mode: 'require', ca: 'CA' })).toMatchObject({ verifyChain: true, verifyHostname: false, ca: 'CA' });
    expect(tlsSettings({ mode: 'verify-ca' })).toMatchObject({ verifyChain: true, verifyHostname: false });
    expect(tlsSettings({ mode: 'verify-full', cert: 'C', key: 'K' })).toMatchObject({ verifyChain: true, verifyHostname: true, cert: 'C', key: 'K' });
  });

  it('gives pg the Node options (no host-name check below verify-full) and mysql2 rejectUnauthorized/verifyIdentity', () => {
    const pgCa = pgClientConfig({ ...base, ssl: { mode: 'verify-ca', ca: 'CA' } }).ssl as { rejectUnauthorized: boolean; checkServerIdentity?: () => undefined };
    expect(pgCa.rejectUnauthorized).toBe(true);
    expect(pgCa.checkServerIdentity?.()).toBeUndefined();
    const pgFull = pgClientConfig({ ...base, ssl: { mode: 'verify-full' } }).ssl as object;
    expect(pgFull).not.toHaveProperty('checkServerIdentity');
    expect(pgClientConfig({ ...base, ssl: { mode: 'disable' } }).ssl).toBe(false);
    const my = mysqlConnectionOptions({ ...base, type: 'mysql', ssl: { mode: 'verify-ca', ca: 'CA' } });
    expect(my.ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: false, ca: 'CA' });
  });

  it('never connects a config with ssh straight to its host when no tunnel was opened', () => {
    const withSsh: ConnectionConfig = { ...base, ssh: { host: 'bastion', user: 'u' } };
    expect(() => tunnelOf(withSsh)).toThrow(/no tunnel/);
    expect(() => pgClientConfig(withSsh)).toThrow(/no tunnel/);
    expect(() => mysqlConnectionOptions({ ...withSsh, type: 'mysql' })).toThrow(/no tunnel/);
    expect(tunnelOf(base)).toBeUndefined();
  });
});

describe('TLS failures', () => {
  it.each([
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, 'unknown-ca'],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, 'unknown-ca'],
    [{ code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' }, 'unknown-ca'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'hostname-mismatch'],
    [{ code: 'HANDSHAKE_SSL_ERROR', message: "Hostname/IP does not match certificate's altnames: Host: localhost." }, 'hostname-mismatch'],
    [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, 'certificate-expired'],
    [{ message: 'The server does not support SSL connections' }, 'server-no-tls'],
    [{ code: 'HANDSHAKE_NO_SSL_SUPPORT', message: 'Server does not support secure connection' }, 'server-no-tls'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, 'handshake-failed'],
  ])('%o → %s', (error, reason) => {
    expect(tlsFailureReason(error)).toBe(reason);
    const mapped = mapTlsFailure(error, { host: 'h', port: 1 });
    expect(mapped?.code).toBe('DB_TLS_FAILED');
    expect(mapped?.details).toMatchObject({ reason, hop: 'tls', host: 'h', port: 1 });
  });

  it('leaves other errors alone', () => {
    expect(tlsFailureReason({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBeUndefined();
    expect(tlsFailureReason({ code: '28P01', message: 'password authentication failed' })).toBeUndefined();
  });
});
