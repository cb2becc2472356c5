/**
 * The piscina task entry for backups, restores and exports (docs/architecture.md "Jobs"). One call = one job's
 * work. It never throws across the thread boundary: structured clone would drop a BridgeError's code, so the outcome
 * is `{ ok, result | error }` as plain data. Progress, tool pids and the cancel travel on the MessagePort that
 * comes with the task.
 */
import { BridgeError, type BridgeErrorShape } from '../../protocol/errors.js';
import { dumpWithDriver, loadWithDriver } from './driver-dump.js';
import { sha256File } from './file-hash.js';
import { mysqlDump, mysqlRestore } from './mysql-backup.js';
import { pgDump, pgRestore } from './postgres-backup.js';
import { sqliteBackup, sqliteRestore } from './sqlite-backup.js';
import { exportRows } from './table-export.js';
import { TaskChannel } from './task-channel.js';
import { openTaskTunnel } from './task-tunnel.js';
import type { BackupTaskInput, RestoreTaskInput, TaskInput, TaskOutcome, TaskResult } from '../channel/backup-task-types.js';

export default async function runBackupTask(input: TaskInput): Promise<TaskOutcome> {
  const channel = new TaskChannel(input.port);
  let closeTunnel: (() => Promise<void>) | undefined;
  try {
    // An SSH connection: everything below reaches the database only through a forward to the bastion (task-tunnel.ts).
    const tunnel = await openTaskTunnel(input.conn, channel.signal);
    closeTunnel = tunnel.close;
    const result = await dispatch({ ...input, conn: tunnel.conn }, channel);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: toShape(error, input.kind === 'restore' ? 'RESTORE_FAILED' : 'BACKUP_FAILED') };
  } finally {
    await closeTunnel?.().catch(() => undefined);
    channel.close();
  }
}

async function dispatch(input: TaskInput, channel: TaskChannel): Promise<TaskResult> {
  if (input.kind === 'export') return exportRows(input, channel);
  if (input.kind === 'backup') return backup(input, channel);
  return restore(input, channel);
}

function backup(task: BackupTaskInput, channel: TaskChannel): Promise<TaskResult> {
  if (task.format === 'sqlite-db') return sqliteBackup(task, channel);
  if (task.format === 'driver-sql-gz') return dumpWithDriver(task, channel);
  if (task.format === 'mysql-sql-gz') return mysqlDump(task, channel);
  return pgDump(task, channel);
}

async function restore(task: RestoreTaskInput, channel: TaskChannel): Promise<TaskResult> {
  // The file must be the one that was written: a corrupted or swapped backup is refused before anything is touched.
  channel.progress(0, 'verifying checksum');
  const actual = await sha256File(task.inPath, channel.signal);
  if (actual !== task.sha256) {
    throw new BridgeError('RESTORE_FAILED', 'the backup file does not match its recorded sha256', { reason: 'checksum', expected: task.sha256, actual });
  }
  channel.progress(10, 'checksum verified');
  if (task.format === 'sqlite-db') return sqliteRestore(task, channel);
  if (task.format === 'driver-sql-gz') return loadWithDriver(task, channel);
  if (task.format === 'mysql-sql-gz') return mysqlRestore(task, channel);
  return pgRestore(task, channel, task.clean !== false);
}

function toShape(error: unknown, fallback: 'BACKUP_FAILED' | 'RESTORE_FAILED'): BridgeErrorShape {
  if (error instanceof BridgeError) return error.toShape();
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallback, message };
}
