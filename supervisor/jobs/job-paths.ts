/**
 * Where job files go, and the checks on a path a user gives (docs/api.md "Paths"): absolute, no `..` segment,
 * inside the backups folder or a folder the user configured (after resolving symlinks, so a link cannot lead out),
 * not a device or other non-regular file, and not an existing file unless overwriting was asked for. A refused path
 * is INVALID_PATH and nothing is written.
 */
import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BridgeError } from '../../protocol/index.js';

export function backupsRoot(dataDir: string): string {
  return join(dataDir, 'backups');
}

/** The default folder of a connection's backups, created 0700. */
export function connectionBackupDir(dataDir: string, connectionId: string): string {
  const dir = join(backupsRoot(dataDir), connectionId.replace(/[^A-Za-z0-9_.-]/g, '_'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function refuse(path: string, reason: string): never {
  throw new BridgeError('INVALID_PATH', `${reason}: ${path}`, { path, reason });
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Checks a user-given output file and returns it normalized. `roots` are the allowed folders (the backups folder and
 * the configured ones); they are resolved through their own symlinks before comparing.
 */
export function checkOutputPath(path: string, roots: string[], overwrite: boolean): string {
  if (!isAbsolute(path)) refuse(path, 'the path must be absolute');
  if (path.split(/[\\/]/).includes('..')) refuse(path, 'the path must not contain ".."');
  if (path.includes('\0')) refuse(path, 'the path contains a NUL byte');
  const target = resolve(path);
  const parent = dirname(target);
  let realParent: string;
  try {
    realParent = realpathSync(parent);
  } catch {
    refuse(path, 'the folder does not exist');
  }
  const realRoots = roots.flatMap((root) => {
    try {
      return [realpathSync(root)];
    } catch {
      return [];
    }
  });
  if (!realRoots.some((root) => inside(root, realParent))) refuse(path, 'the path is outside the backups folder and the configured folders');
  const existing = lstatOrNull(target);
  if (existing) {
    if (existing.isSymbolicLink()) refuse(path, 'the path is a symbolic link');
    if (!existing.isFile()) refuse(path, 'the path is not a regular file');
    if (!overwrite) refuse(path, 'the file exists (pass overwrite: true to replace it)');
  }
  const partial = lstatOrNull(`${target}.partial`);
  if (partial && !partial.isFile()) refuse(path, 'the partial file path is taken by something that is not a file');
  return join(realParent, target.slice(parent.length + 1));
}
