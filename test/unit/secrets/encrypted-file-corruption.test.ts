import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBridgeError, fileBackend, makeTempDir } from './file-backend-fixture.js';

/**
 * A damaged secrets.enc must give a clean SECRET_LOCKED error (never a crash, never a silent overwrite), and must stay
 * byte for byte as it was, so the user can still recover it.
 */
let dir: string;
let cleanup: () => Promise<void>;
let secretsPath: string;
let pristine: Buffer;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  secretsPath = join(dir, 'secrets.enc');
  const backend = fileBackend(dir);
  await backend.unlock('pw');
  await backend.set('connection/c1/password', 'p1');
  await backend.set('app/token', 't');
  pristine = await readFile(secretsPath);
});
afterAll(() => cleanup());

function damaged(change: (bytes: Buffer) => Buffer): Buffer {
  return change(Buffer.from(pristine));
}

function flipByte(at: number | ((length: number) => number)) {
  return (bytes: Buffer) => {
    const index = typeof at === 'number' ? at : at(bytes.length);
    bytes[index] ^= 0x5a;
    return bytes;
  };
}

const cases: [name: string, bytes: () => Buffer, reason: 'corrupt' | 'wrong-password'][] = [
  ['a wrong magic', () => damaged(flipByte(0)), 'corrupt'],
  ['an unknown format version', () => damaged(flipByte(8)), 'corrupt'],
  ['an unknown kdf id', () => damaged(flipByte(9)), 'corrupt'],
  ['absurd scrypt params (log2 N = 40)', () => damaged((b) => ((b[10] = 40), b)), 'corrupt'],
  ['a truncated file', () => pristine.subarray(0, 50), 'corrupt'],
  ['an empty file', () => Buffer.alloc(0), 'corrupt'],
  ['a flipped ciphertext byte', () => damaged(flipByte(75)), 'corrupt'],
  ['a flipped tag byte', () => damaged(flipByte((n) => n - 1)), 'corrupt'],
  ['a flipped write-salt byte', () => damaged(flipByte(50)), 'corrupt'],
  ['a flipped IV byte', () => damaged(flipByte(65)), 'corrupt'],
  // The kdf salt and the password check feed the key itself: damage there is indistinguishable from a wrong password.
  ['a flipped kdf-salt byte', () => damaged(flipByte(20)), 'wrong-password'],
  ['a flipped password-check byte', () => damaged(flipByte(30)), 'wrong-password'],
];

describe('encrypted file backend: a damaged file', () => {
  it.each(cases)('with %s: unlock fails cleanly, stays locked, the file is untouched', async (_name, bytes, reason) => {
    const broken = bytes();
    await writeFile(secretsPath, broken);
    const backend = fileBackend(dir);
    const error = await expectBridgeError(backend.unlock('pw'), 'SECRET_LOCKED', reason);
    expect(error.message).not.toContain('p1');
    expect(backend.locked).toBe(true);
    await expectBridgeError(backend.set('app/x', 'y'), 'SECRET_LOCKED', 'locked');
    expect((await readFile(secretsPath)).equals(broken)).toBe(true);
  });

  it('damaged while unlocked: reads and writes fail with corrupt, and the file is not overwritten', async () => {
    await writeFile(secretsPath, pristine);
    const backend = fileBackend(dir);
    await backend.unlock('pw');
    const broken = damaged(flipByte(80));
    await writeFile(secretsPath, broken);
    await expectBridgeError(backend.get('app/token'), 'SECRET_LOCKED', 'corrupt');
    await expectBridgeError(backend.set('app/new', 'v'), 'SECRET_LOCKED', 'corrupt');
    expect((await readFile(secretsPath)).equals(broken)).toBe(true);

    await writeFile(secretsPath, pristine);
    await expect(backend.get('app/token')).resolves.toBe('t');
  });

  it('replaced under another master password while unlocked: locks instead of overwriting it', async () => {
    const { dir: otherDir, cleanup: cleanupOther } = await makeTempDir();
    try {
      const other = fileBackend(otherDir);
      await other.unlock('someone else');
      await other.set('app/x', 'y');
      const foreign = await readFile(join(otherDir, 'secrets.enc'));

      await writeFile(secretsPath, pristine);
      const backend = fileBackend(dir);
      await backend.unlock('pw');
      await writeFile(secretsPath, foreign);
      await expectBridgeError(backend.set('app/new', 'v'), 'SECRET_LOCKED', 'file-changed');
      expect(backend.locked).toBe(true);
      expect((await readFile(secretsPath)).equals(foreign)).toBe(true);
    } finally {
      await cleanupOther();
    }
  });
});
