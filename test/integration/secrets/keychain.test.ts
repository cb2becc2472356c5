import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { openSecretStore, probeKeychain } from '../../../supervisor/secrets/index.js';
import { KeychainBackend } from '../../../supervisor/secrets/keychain-backend.js';

/**
 * The real OS keychain, in this process. Run the suite under `scripts/with-keyring.sh` (as .ci/run does) on Linux.
 * Outside a keyring session these tests skip — except with CI=true, where a missing keychain is a failure.
 * The service name is test-only and unique per run, so a user's real entries are never read or written.
 */
const SERVICE = `dbv-test-secrets-${process.pid}-${randomBytes(4).toString('hex')}`;
const available = await probeKeychain(SERVICE);
const required = process.env.CI === 'true';

describe.runIf(available || required)('the OS keychain backend (real Secret Service / Keychain)', () => {
  const backend = new KeychainBackend(SERVICE);

  afterAll(async () => {
    if (!available) return;
    for (const key of await backend.keys('')) await backend.delete(key);
  });

  it('is available (CI=true demands it: run under scripts/with-keyring.sh)', () => {
    expect(available, 'no usable OS keychain: start the tests through scripts/with-keyring.sh').toBe(true);
  });

  it('sets, reads and deletes a value for real; deleting a missing key answers false', async () => {
    await backend.set('app/token', 'real-keychain-value ✓');
    await expect(backend.get('app/token')).resolves.toBe('real-keychain-value ✓');
    await backend.set('app/token', 'replaced');
    await expect(backend.get('app/token')).resolves.toBe('replaced');
    await expect(backend.delete('app/token')).resolves.toBe(true);
    await expect(backend.get('app/token')).resolves.toBeNull();
    await expect(backend.delete('app/token')).resolves.toBe(false);
  });

  it('keeps an index of key names so a prefix can be listed and emptied', async () => {
    await backend.set('connection/k1/password', 'a');
    await backend.set('connection/k1/ssl.key', 'b');
    await backend.set('connection/k10/password', 'c');
    await expect(backend.keys('connection/k1/')).resolves.toEqual(['connection/k1/password', 'connection/k1/ssl.key']);
    await backend.delete('connection/k1/password');
    await expect(backend.keys('connection/k1/')).resolves.toEqual(['connection/k1/ssl.key']);
  });

  it('openSecretStore picks the keychain when the probe succeeds, and the connection helpers work on it', async () => {
    const store = await openSecretStore({ dataDir: '/nonexistent-unused', service: SERVICE });
    expect(store.status()).toEqual({ backend: 'keychain', locked: false });
    await store.putConnectionSecrets('kc1', { password: 'pw', 'ssh.privateKey': '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n' });
    await store.set('connection/kc1/extra', 'e');
    await expect(store.getConnectionSecrets('kc1')).resolves.toEqual({
      password: 'pw',
      'ssh.privateKey': '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n',
    });
    await expect(store.deleteConnectionSecrets('kc1')).resolves.toBe(3);
    await expect(store.hasConnectionSecrets('kc1')).resolves.toBe(false);
    await expect(backend.keys('connection/kc1/')).resolves.toEqual([]);
  });

  it('rejects keys outside the protocol alphabet, so nothing can overwrite the index entry', async () => {
    const error = await backend.set('#index', '[]').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe('INVALID_PARAMS');
  });
});
