/** The backups table of app.db: one row per finished backup file, written with its job's success transition. */
import { BridgeError, type BackupFormat, type BackupMetadata } from '../../protocol/index.js';
import type { Db } from './app-store.js';

interface Row {
  id: string;
  connection_id: string;
  job_id: string | null;
  schedule_id: string | null;
  path: string;
  type: 'full' | 'table';
  tables: string | null;
  format: BackupFormat;
  engine: BackupMetadata['engine'];
  size: number;
  sha256: string;
  tool: string;
  tool_version: string | null;
  duration_ms: number;
  created_at: string;
}

export class BackupsRepo {
  constructor(private readonly db: Db) {}

  insert(backup: BackupMetadata, jobId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO backups (id, connection_id, job_id, schedule_id, path, type, tables, format, engine, size, sha256, tool, tool_version, duration_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        backup.id,
        backup.connectionId,
        jobId,
        backup.scheduleId,
        backup.path,
        backup.type,
        backup.tables ? JSON.stringify(backup.tables) : null,
        backup.format,
        backup.engine,
        backup.size,
        backup.sha256,
        backup.tool,
        backup.toolVersion,
        backup.durationMs,
        backup.createdAt,
      );
  }

  find(id: string): BackupMetadata | undefined {
    const row = this.db.prepare('SELECT * FROM backups WHERE id = ?').get(id) as Row | undefined;
    return row && toMetadata(row);
  }

  get(id: string): BackupMetadata {
    const found = this.find(id);
    if (!found) throw new BridgeError('BACKUP_NOT_FOUND', `No backup with id ${id}`, { backupId: id });
    return found;
  }

  list(connectionId?: string): BackupMetadata[] {
    const rows = (
      connectionId === undefined
        ? this.db.prepare('SELECT * FROM backups ORDER BY created_at DESC, id').all()
        : this.db.prepare('SELECT * FROM backups WHERE connection_id = ? ORDER BY created_at DESC, id').all(connectionId)
    ) as Row[];
    return rows.map(toMetadata);
  }

  /** A schedule's backups beyond the newest `keep`, oldest first (retention). */
  beyondRetention(scheduleId: string, keep: number): BackupMetadata[] {
    const rows = this.db
      .prepare('SELECT * FROM backups WHERE schedule_id = ? ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?')
      .all(scheduleId, keep) as Row[];
    return rows.map(toMetadata).reverse();
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM backups WHERE id = ?').run(id).changes > 0;
  }
}

function toMetadata(row: Row): BackupMetadata {
  return {
    id: row.id,
    connectionId: row.connection_id,
    path: row.path,
    type: row.type,
    ...(row.tables ? { tables: JSON.parse(row.tables) as string[] } : {}),
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at,
    format: row.format,
    engine: row.engine,
    tool: row.tool,
    toolVersion: row.tool_version,
    durationMs: row.duration_ms,
    scheduleId: row.schedule_id,
  };
}
