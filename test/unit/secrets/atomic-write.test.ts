import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../../supervisor/secrets/atomic-write.js';
import { makeTempDir } from './file-backend-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

describe('writeFileAtomically', () => {
  it('replaces the file, with mode 0600 even over a leftover partial of another mode', async () => {
    const target = join(dir, 'nested', 'secrets.enc');
    await mkdir(join(dir, 'nested'));
    await writeFile(`${target}.partial`, 'stale', { mode: 0o644 });
    await writeFileAtomically(target, Buffer.from('new'));
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(join(dir, 'nested'))).toEqual(['secrets.enc']);
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('creates a missing data directory', async () => {
    const target = join(dir, 'a', 'b', 'secrets.enc');
    await writeFileAtomically(target, Buffer.from('x'));
    expect(await readFile(target, 'utf8')).toBe('x');
  });

  it('when the rename fails, removes its partial file and leaves the target as it was', async () => {
    // A non-empty directory where the file should go: rename() over it fails on every platform.
    const target = join(dir, 'secrets.enc');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'old');
    await expect(writeFileAtomically(target, Buffer.from('new'))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['secrets.enc']);
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('old');
  });
});
