/**
 * A throwaway PKI for the TLS tests, made with the `openssl` CLI in a temp dir: a test CA and a second, unrelated
 * CA; a server certificate for `localhost` and 127.0.0.1 signed by the test CA, and one for `db.invalid` only (the
 * wrong-hostname case); a client certificate whose CN is a database user name. EC P-256 keys: quick to make.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  /** PEM texts. */
  ca: string;
  wrongCa: string;
  serverCert: string;
  serverKey: string;
  /** Signed by the test CA but naming only `db.invalid`. */
  wrongNameCert: string;
  wrongNameKey: string;
  clientCert: string;
  clientKey: string;
  /** Paths of the same files, for servers' config. */
  files: Record<'ca' | 'serverCert' | 'serverKey' | 'wrongNameCert' | 'wrongNameKey', string>;
  remove(): void;
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('The TLS tests need the openssl CLI (CI=true makes this a failure, not a skip)');
    return false;
  }
}

export function makeTestPki(clientUser: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'dbv-pki-'));
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const makeCa = (name: string, cn: string): void => {
    openssl('req', '-x509', ...newKey, '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '3', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const makeLeaf = (name: string, cn: string, extensions: string): void => {
    openssl('req', ...newKey, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(path(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial',
      '-out', path(`${name}.crt`), '-days', '3', '-extfile', path(`${name}.ext`));
  };
  makeCa('ca', 'dbv test CA');
  makeCa('wrong-ca', 'dbv unrelated CA');
  makeLeaf('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf('wrong-name', 'db.invalid', 'subjectAltName=DNS:db.invalid\nextendedKeyUsage=serverAuth\n');
  makeLeaf('client', clientUser, 'extendedKeyUsage=clientAuth\n');
  const read = (name: string): string => readFileSync(path(name), 'utf8');
  return {
    dir,
    ca: read('ca.crt'),
    wrongCa: read('wrong-ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    wrongNameCert: read('wrong-name.crt'),
    wrongNameKey: read('wrong-name.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    files: {
      ca: path('ca.crt'),
      serverCert: path('server.crt'),
      serverKey: path('server.key'),
      wrongNameCert: path('wrong-name.crt'),
      wrongNameKey: path('wrong-name.key'),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
