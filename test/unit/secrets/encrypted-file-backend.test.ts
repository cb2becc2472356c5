import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedFileBackend } from '../../../supervisor/secrets/encrypted-file-backend.js';
import { expectBridgeError, fileBackend, makeTempDir } from './file-backend-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;
let secretsPath: string;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  secretsPath = join(dir, 'secrets.enc');
});
afterEach(() => cleanup());

describe('encrypted file backend: locking', () => {
  it('starts locked and refuses every operation with SECRET_LOCKED until unlocked', async () => {
    const backend = fileBackend(dir);
    expect(backend.locked).toBe(true);
    await expectBridgeError(backend.get('app/a'), 'SECRET_LOCKED', 'locked');
    await expectBridgeError(backend.set('app/a', 'v'), 'SECRET_LOCKED', 'locked');
    await expectBridgeError(backend.delete('app/a'), 'SECRET_LOCKED', 'locked');
    await expectBridgeError(backend.keys('app/'), 'SECRET_LOCKED', 'locked');
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('the first unlock sets the master password; a later unlock must use it', async () => {
    await fileBackend(dir).unlock('first password');
    await expectBridgeError(fileBackend(dir).unlock('another password'), 'SECRET_LOCKED', 'wrong-password');
    const again = fileBackend(dir);
    await again.unlock('first password');
    expect(again.locked).toBe(false);
  });

  it('lock() makes operations refuse again', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('app/a', 'v');
    backend.lock();
    expect(backend.locked).toBe(true);
    await expectBridgeError(backend.get('app/a'), 'SECRET_LOCKED', 'locked');
  });

  it('a wrong password leaves the file byte for byte unchanged and the store locked', async () => {
    const writer = fileBackend(dir);
    await writer.unlock('right');
    await writer.set('connection/c1/password', 's3cret');
    const before = await readFile(secretsPath);

    const reader = fileBackend(dir);
    await expectBridgeError(reader.unlock('wrong'), 'SECRET_LOCKED', 'wrong-password');
    expect(reader.locked).toBe(true);
    expect((await readFile(secretsPath)).equals(before)).toBe(true);
  });

  it('a wrong password on an unlocked store keeps it unlocked with the right key', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('right');
    await backend.set('app/a', '1');
    await expectBridgeError(backend.unlock('wrong'), 'SECRET_LOCKED', 'wrong-password');
    expect(backend.locked).toBe(false);
    await expect(backend.get('app/a')).resolves.toBe('1');
  });

  it('rejects an empty master password', async () => {
    await expectBridgeError(fileBackend(dir).unlock(''), 'INVALID_PARAMS');
  });
});

describe('encrypted file backend: storing', () => {
  it('round-trips values, survives a new process (a new backend), and lists keys by prefix', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('connection/c1/password', 'pä$$ wörd');
    await backend.set('connection/c1/ssl.key', '-----BEGIN KEY-----\nabc\n');
    await backend.set('connection/c10/password', 'other');
    await backend.set('app/token', 'tok');

    const reopened = fileBackend(dir);
    await reopened.unlock('pw');
    await expect(reopened.get('connection/c1/password')).resolves.toBe('pä$$ wörd');
    await expect(reopened.get('missing/key')).resolves.toBeNull();
    await expect(reopened.keys('connection/c1/')).resolves.toEqual(['connection/c1/password', 'connection/c1/ssl.key']);
    await expect(reopened.delete('app/token')).resolves.toBe(true);
    await expect(reopened.delete('app/token')).resolves.toBe(false);
    await expect(reopened.get('app/token')).resolves.toBeNull();
  });

  it('never stores a value in clear text', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('connection/c1/password', 'needle-in-the-file');
    const bytes = await readFile(secretsPath);
    expect(bytes.includes(Buffer.from('needle-in-the-file'))).toBe(false);
    expect(bytes.includes(Buffer.from('connection/c1'))).toBe(false);
  });

  it('writes the file with mode 0600 and leaves no partial file behind', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('app/a', '1');
    await backend.set('app/b', '2');
    await backend.delete('app/a');
    expect(await readdir(dir)).toEqual(['secrets.enc']);
    if (process.platform !== 'win32') expect((await stat(secretsPath)).mode & 0o777).toBe(0o600);
  });

  it('uses a fresh write salt and IV per write but keeps the kdf salt of the master password', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('app/a', '1');
    const first = await readFile(secretsPath);
    await backend.set('app/a', '2');
    await backend.set('app/a', '1');
    const third = await readFile(secretsPath);
    expect(third.subarray(13, 29).equals(first.subarray(13, 29))).toBe(true); // kdf salt
    expect(third.subarray(45, 61).equals(first.subarray(45, 61))).toBe(false); // write salt
    expect(third.subarray(61, 73).equals(first.subarray(61, 73))).toBe(false); // IV
  });

  it('serializes concurrent writes so none is lost', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await Promise.all(Array.from({ length: 12 }, (_, i) => backend.set(`app/k${i}`, `v${i}`)));
    expect(await backend.keys('app/')).toHaveLength(12);
  });

  it('applies a batch of sets and deletes in one write', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await backend.set('app/old', 'x');
    await backend.apply(
      new Map([
        ['app/new', 'y'],
        ['app/old', null],
      ]),
    );
    await expect(backend.keys('app/')).resolves.toEqual(['app/new']);
  });

  it('refuses keys outside the protocol alphabet (backend-internal names start with #)', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    await expectBridgeError(backend.set('#index', 'x'), 'INVALID_PARAMS');
    await expectBridgeError(backend.get(''), 'INVALID_PARAMS');
  });

  it('derives the real N=2^17 key with async scrypt without blocking the event loop', async () => {
    const backend = new EncryptedFileBackend({ dataDir: dir });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    try {
      await backend.unlock('pw');
    } finally {
      clearInterval(timer);
    }
    expect((await readFile(secretsPath))[10]).toBe(17); // log2(N) as recorded in the header
    // scrypt at 2^17 takes hundreds of ms; a blocked loop would have ticked at most once.
    expect(ticks).toBeGreaterThan(3);
  }, 20_000);
});

describe('encrypted file backend: changing the master password', () => {
  it('re-encrypts under the new password and keeps every secret', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('old');
    await backend.set('app/a', '1');
    const oldBytes = await readFile(secretsPath);
    await backend.changeMasterPassword('old', 'new');
    expect(backend.locked).toBe(false);
    await expect(backend.get('app/a')).resolves.toBe('1');
    expect((await readFile(secretsPath)).subarray(13, 29).equals(oldBytes.subarray(13, 29))).toBe(false);

    await expectBridgeError(fileBackend(dir).unlock('old'), 'SECRET_LOCKED', 'wrong-password');
    const reopened = fileBackend(dir);
    await reopened.unlock('new');
    await expect(reopened.get('app/a')).resolves.toBe('1');
    expect(await readdir(dir)).toEqual(['secrets.enc']);
  });

  it('with a wrong old password changes nothing', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('old');
    await backend.set('app/a', '1');
    const before = await readFile(secretsPath);
    await expectBridgeError(backend.changeMasterPassword('not it', 'new'), 'SECRET_LOCKED', 'wrong-password');
    expect((await readFile(secretsPath)).equals(before)).toBe(true);
    await expect(backend.get('app/a')).resolves.toBe('1');
  });

  it('a crash before the rename leaves the old file readable with the old password, and the partial is dropped', async () => {
    const backend = fileBackend(dir);
    await backend.unlock('old');
    await backend.set('app/a', '1');
    const oldBytes = await readFile(secretsPath);
    await backend.changeMasterPassword('old', 'new');
    const newBytes = await readFile(secretsPath);
    // Rebuild the on-disk state of a crash between "partial fsynced" and "rename": old file + new partial.
    await writeFile(secretsPath, oldBytes);
    await writeFile(`${secretsPath}.partial`, newBytes);

    const afterCrash = fileBackend(dir);
    await afterCrash.unlock('old');
    await expect(afterCrash.get('app/a')).resolves.toBe('1');
    expect(await readdir(dir)).toEqual(['secrets.enc']);

    // And a crash just after the rename: the new file alone, readable with the new password.
    await writeFile(secretsPath, newBytes);
    const afterRename = fileBackend(dir);
    await afterRename.unlock('new');
    await expect(afterRename.get('app/a')).resolves.toBe('1');
  });
});
