/**
 * Where a secret could escape a running bridge, as readable text: the process table (argv and environment of the
 * bridge and of every descendant), every file under a data dir, and every row of a SQLite database.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface ProcessSnapshot {
  pid: number;
  /** NUL-separated argv, NULs turned into spaces. */
  cmdline: string;
  /** NUL-separated KEY=value pairs as the kernel holds them (the environment at exec), NULs turned into newlines. */
  environ: string;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every live process whose parent chain reaches `rootPid`, found through the ppid field of /proc/<pid>/stat. */
export function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(Number(name), 'stat');
    if (!stat) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

export function snapshotProcess(pid: number): ProcessSnapshot | undefined {
  const cmdline = readProc(pid, 'cmdline');
  const environ = readProc(pid, 'environ');
  if (cmdline === undefined || environ === undefined) return undefined;
  return { pid, cmdline: cmdline.replaceAll('\0', ' '), environ: environ.replaceAll('\0', '\n') };
}

/** Every regular file under `dir`, recursively, with its raw bytes. */
export function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) out.push(...filesUnder(path));
    else if (stat.isFile()) out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/** Every row of every table (blobs as latin1 text), one string per table, read through SQLite itself. */
export function dumpSqlite(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const dump = new Map<string, string>();
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all();
      dump.set(table, JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value)));
    }
    // The schema itself (defaults, triggers, views) is text too.
    dump.set('sqlite_master', JSON.stringify(db.prepare('SELECT * FROM sqlite_master').all()));
    return dump;
  } finally {
    db.close();
  }
}

/** The names of the secrets (from `secrets`) that occur in `text`; a Buffer is searched as latin1 and as UTF-8. */
export function secretsIn(text: string | Buffer, secrets: Record<string, string>): string[] {
  const views = Buffer.isBuffer(text) ? [text.toString('latin1'), text.toString('utf8')] : [text];
  return Object.entries(secrets)
    .filter(([, value]) => views.some((view) => view.includes(value)))
    .map(([name]) => name);
}
