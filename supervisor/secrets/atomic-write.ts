import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `bytes` so that a crash at any moment leaves either the old file or the new one, whole:
 * write `<path>.partial` (mode 0600), fsync it, rename it over `path` (atomic on POSIX and NTFS), fsync the directory
 * so the rename itself survives a power cut. On failure the partial file is removed and the old file is untouched.
 */
export async function writeFileAtomically(path: string, bytes: Buffer): Promise<void> {
  const partial = partialPathOf(path);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const handle = await open(partial, 'w', 0o600);
    try {
      // The mode argument only applies when the file is created; a leftover partial keeps its old mode otherwise.
      await handle.chmod(0o600);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, path);
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

export function partialPathOf(path: string): string {
  return `${path}.partial`;
}

/** A partial file can only be a write that died before its rename: it is never the truth, so it is discarded. */
export async function removeStalePartial(path: string): Promise<void> {
  await unlink(partialPathOf(path)).catch(() => undefined);
}

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; there the rename is already durable enough for NTFS.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems (tmpfs, network mounts) refuse a directory fsync; the data itself is already synced.
  } finally {
    await handle.close();
  }
}
