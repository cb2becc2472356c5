import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSecretStore, type SecretStore } from '../../../supervisor/secrets/index.js';
import { expectBridgeError, makeTempDir, WEAK_TEST_SCRYPT } from './file-backend-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

function openFileStore(extra: { masterPassword?: string; warn?: () => void } = {}): Promise<SecretStore> {
  return openSecretStore({ dataDir: dir, preferKeychain: false, testOnlyScryptParams: WEAK_TEST_SCRYPT, ...extra });
}

// The connection helpers behave the same on every backend: run them on the test-only memory backend and on the file.
const backends: [string, () => Promise<SecretStore>][] = [
  ['memory (test-only)', () => openSecretStore({ dataDir: dir, testOnlyBackend: 'memory' })],
  ['encrypted file', () => openFileStore({ masterPassword: 'pw' })],
];

describe.each(backends)('connection secrets on the %s backend', (_name, open) => {
  it('stores, reads and reports the four fields under connection/<id>/', async () => {
    const store = await open();
    await store.putConnectionSecrets('c1', { password: 'p', 'ssl.key': 'k', 'ssh.privateKey': 'pk', 'ssh.passphrase': 'pp' });
    await expect(store.getConnectionSecrets('c1')).resolves.toEqual({
      password: 'p',
      'ssl.key': 'k',
      'ssh.privateKey': 'pk',
      'ssh.passphrase': 'pp',
    });
    await expect(store.get('connection/c1/ssh.privateKey')).resolves.toBe('pk');
    await expect(store.hasConnectionSecrets('c1')).resolves.toBe(true);
    await expect(store.hasConnectionSecrets('c2')).resolves.toBe(false);
  });

  it('keeps an omitted field, replaces a given one, deletes on null and on empty string', async () => {
    const store = await open();
    await store.putConnectionSecrets('c1', { password: 'p', 'ssl.key': 'k', 'ssh.passphrase': 'pp' });
    await store.putConnectionSecrets('c1', { password: 'p2', 'ssl.key': null, 'ssh.passphrase': '' });
    await expect(store.getConnectionSecrets('c1')).resolves.toEqual({ password: 'p2' });
    await store.putConnectionSecrets('c1', {});
    await expect(store.getConnectionSecrets('c1')).resolves.toEqual({ password: 'p2' });
  });

  it('deletes every key of one connection and nothing of another with a longer id', async () => {
    const store = await open();
    await store.putConnectionSecrets('c1', { password: 'p', 'ssh.privateKey': 'pk' });
    await store.set('connection/c1/extra.token', 'x');
    await store.putConnectionSecrets('c10', { password: 'other' });
    await expect(store.deleteConnectionSecrets('c1')).resolves.toBe(3);
    await expect(store.get('connection/c1/extra.token')).resolves.toBeNull();
    await expect(store.hasConnectionSecrets('c1')).resolves.toBe(false);
    await expect(store.getConnectionSecrets('c10')).resolves.toEqual({ password: 'other' });
    await expect(store.deleteConnectionSecrets('c1')).resolves.toBe(0);
  });

  it('refuses a connection id that could reach another key path', async () => {
    const store = await open();
    await expectBridgeError(store.putConnectionSecrets('c1/../c2', { password: 'p' }), 'INVALID_PARAMS');
    await expectBridgeError(store.getConnectionSecrets(''), 'INVALID_PARAMS');
  });
});

describe('openSecretStore: choosing a backend', () => {
  it('uses the memory backend only when asked by its test-only option', async () => {
    const store = await openSecretStore({ dataDir: dir, testOnlyBackend: 'memory' });
    expect(store.status()).toEqual({ backend: 'keychain', locked: false });
    await store.unlock('ignored'); // nothing to unlock on a keychain
  });

  it('without the keychain: the file backend, locked until unlock', async () => {
    const store = await openFileStore();
    expect(store.status()).toEqual({ backend: 'file', locked: true });
    await expectBridgeError(store.get('app/a'), 'SECRET_LOCKED', 'locked');
    await store.unlock('pw');
    expect(store.status()).toEqual({ backend: 'file', locked: false });
    await store.set('app/a', '1');
    store.lock();
    expect(store.status().locked).toBe(true);
  });

  it('unlocks at once with a master password given by the caller (DBV_MASTER_PASSWORD)', async () => {
    const store = await openFileStore({ masterPassword: 'pw' });
    expect(store.status()).toEqual({ backend: 'file', locked: false });
  });

  it('a wrong master password at start: stays locked, warns without the password, does not throw', async () => {
    await (await openFileStore({ masterPassword: 'right' })).set('app/a', '1');
    const before = await readFile(join(dir, 'secrets.enc'));
    const warn = vi.fn();
    const store = await openFileStore({ masterPassword: 'wrong-at-start', warn });
    expect(store.status()).toEqual({ backend: 'file', locked: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('wrong-at-start');
    expect(JSON.stringify(warn.mock.calls)).toContain('wrong-password');
    expect((await readFile(join(dir, 'secrets.enc'))).equals(before)).toBe(true);
  });

  it('changes the master password through the store', async () => {
    const store = await openFileStore({ masterPassword: 'old' });
    await store.set('app/a', '1');
    await store.changeMasterPassword('old', 'new');
    const reopened = await openFileStore({ masterPassword: 'new' });
    await expect(reopened.get('app/a')).resolves.toBe('1');
  });

  it('no keychain and an unusable data dir: backend none, every operation KEYCHAIN_UNAVAILABLE', async () => {
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');
    const warn = vi.fn();
    const store = await openSecretStore({ dataDir: join(notADir, 'data'), preferKeychain: false, warn });
    expect(store.status()).toEqual({ backend: 'none', locked: true });
    expect(warn).toHaveBeenCalled();
    await expectBridgeError(store.get('app/a'), 'KEYCHAIN_UNAVAILABLE');
    await expectBridgeError(store.set('app/a', 'v'), 'KEYCHAIN_UNAVAILABLE');
    await expectBridgeError(store.unlock('pw'), 'KEYCHAIN_UNAVAILABLE');
    await expectBridgeError(store.putConnectionSecrets('c1', { password: 'p' }), 'KEYCHAIN_UNAVAILABLE');
  });
});
