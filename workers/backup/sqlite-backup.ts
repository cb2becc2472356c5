/**
 * SQLite backup through the online backup API (page by page, so progress is pages copied / total pages, and a
 * database in use is copied consistently), and restore into a new file that the supervisor then swaps in.
 */
import { copyFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BridgeError } from '../../protocol/errors.js';
import { sha256File } from './file-hash.js';
import { fsyncPath } from './hashing-sink.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput, RestoreTaskInput, TaskResult } from '../channel/backup-task-types.js';
import { cancelled } from './tool-process.js';

const PAGES_PER_STEP = 256;

export async function sqliteBackup(task: BackupTaskInput, channel: TaskChannel): Promise<TaskResult> {
  const source = new Database(task.conn.database!, { readonly: true, fileMustExist: true });
  try {
    await source.backup(task.outPath, {
      progress: ({ totalPages, remainingPages }) => {
        if (channel.signal.aborted) throw cancelled();
        channel.progress(totalPages === 0 ? 95 : (95 * (totalPages - remainingPages)) / totalPages, 'copying pages');
        return PAGES_PER_STEP;
      },
    });
  } catch (error) {
    if (channel.signal.aborted) throw cancelled();
    throw new BridgeError('BACKUP_FAILED', `SQLite backup failed: ${(error as Error).message}`);
  } finally {
    source.close();
  }
  if (task.tables?.length) dropOtherTables(task.outPath, task.tables);
  fsyncPath(task.outPath);
  const sha256 = await sha256File(task.outPath, channel.signal);
  channel.progress(100, 'done');
  return { size: statSync(task.outPath).size, sha256, ...(task.tables ? { tables: task.tables } : {}) };
}

/** A table backup of SQLite: the copied file keeps only the chosen tables (and the views and indexes on them). */
function dropOtherTables(path: string, keep: string[]): void {
  const db = new Database(path);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const missing = keep.filter((t) => !tables.includes(t));
    if (missing.length) throw new BridgeError('BACKUP_FAILED', `no such table: ${missing.join(', ')}`, { tables: missing });
    db.pragma('foreign_keys = OFF');
    db.transaction(() => {
      for (const view of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'").pluck().all() as string[]) db.exec(`DROP VIEW "${view.replaceAll('"', '""')}"`);
      for (const table of tables) if (!keep.includes(table)) db.exec(`DROP TABLE "${table.replaceAll('"', '""')}"`);
    })();
    db.exec('VACUUM');
  } finally {
    db.close();
  }
}

/** Builds the restored database as a new file (outPath) and checks it; the supervisor swaps it in. */
export async function sqliteRestore(task: RestoreTaskInput, channel: TaskChannel): Promise<TaskResult> {
  if (!task.outPath) throw new BridgeError('RESTORE_FAILED', 'no target file for the SQLite restore');
  copyFileSync(task.inPath, task.outPath);
  channel.progress(60, 'checking');
  if (channel.signal.aborted) throw cancelled();
  const db = new Database(task.outPath, { fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BridgeError('RESTORE_FAILED', `the restored database fails its check: ${String(check)}`, { reason: 'integrity' });
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  fsyncPath(task.outPath);
  channel.progress(100, 'done');
  return {};
}
