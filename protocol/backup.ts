import { z } from 'zod';
import { defineEvent, defineMethod } from './descriptor.js';
import type { BridgeErrorShape } from './errors.js';

/** A file the user names for a job's output: absolute, checked by the bridge (docs/api.md "Paths"). */
const userPath = z.string().min(1).max(4096);

export const backupOptionsSchema = z.object({
  type: z.enum(['full', 'table']).default('full'),
  tables: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
  compress: z.boolean().optional(),
  format: z.enum(['plain', 'custom']).optional(),
  /** `tool`: the native dump tool only; `driver`: the driver-level export only; `auto` (default): the tool when found. */
  via: z.enum(['auto', 'tool', 'driver']).optional(),
  /** Where to write the backup instead of `<data-dir>/backups/<connection>/`. */
  path: userPath.optional(),
  /** Allow `path` to replace an existing file. */
  overwrite: z.boolean().optional(),
  /** Run the job once more when the bridge stopped under it (it is then `interrupted` and queued again). */
  retryOnInterrupt: z.boolean().optional(),
});
export type BackupOptions = z.output<typeof backupOptionsSchema>;

export const restoreOptionsSchema = z.object({
  targetConnectionId: z.string().min(1).max(200).optional(),
  dropExisting: z.boolean().optional(),
});
export type RestoreOptions = z.output<typeof restoreOptionsSchema>;

export const exportSourceSchema = z.union([
  z.object({ table: z.string().min(1).max(1024), schema: z.string().min(1).max(1024).optional() }),
  z.object({ sql: z.string().min(1).max(1_000_000) }),
]);
export type ExportSource = z.output<typeof exportSourceSchema>;

export const exportOptionsSchema = z.object({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  path: userPath.optional(),
  overwrite: z.boolean().optional(),
});
export type ExportOptions = z.output<typeof exportOptionsSchema>;

/** How a backup file is laid out; the restore path picks its tool from this. */
export type BackupFormat = 'pg-custom' | 'pg-plain-gz' | 'mysql-sql-gz' | 'sqlite-db' | 'driver-sql-gz';

export interface BackupMetadata {
  id: string;
  connectionId: string;
  path: string;
  type: 'full' | 'table';
  tables?: string[];
  size: number;
  sha256: string;
  createdAt: string;
  format: BackupFormat;
  engine: 'postgres' | 'mysql' | 'sqlite';
  /** The native tool and its version, or `driver` for the driver-level export / SQLite's backup API. */
  tool: string;
  toolVersion: string | null;
  durationMs: number;
  scheduleId: string | null;
}

export interface ExportResult {
  path: string;
  size: number;
  rows: number;
  sha256: string;
}

export interface BackupProgressEvent {
  jobId: string;
  kind: 'backup' | 'restore' | 'export';
  percent: number;
  status: string;
  message?: string;
}

export interface BackupDoneEvent {
  jobId: string;
  kind: 'backup' | 'restore' | 'export';
  status: 'success' | 'failed' | 'cancelled' | 'interrupted';
  metadata?: BackupMetadata;
  export?: ExportResult;
  error?: BridgeErrorShape;
}

const id = z.string().min(1).max(200);

export const backupMethods = {
  create: defineMethod<{ jobId: string }>()(
    'backup.create',
    z.object({ connectionId: id, options: backupOptionsSchema }),
    ['connectionId', 'options'],
  ),
  list: defineMethod<BackupMetadata[]>()('backup.list', z.object({ connectionId: id.optional() }), ['connectionId']),
  restore: defineMethod<{ jobId: string }>()(
    'backup.restore',
    z.object({ backupId: id, options: restoreOptionsSchema.optional() }),
    ['backupId', 'options'],
  ),
  delete: defineMethod<Record<string, never>>()('backup.delete', z.object({ backupId: id }), ['backupId']),
  export: defineMethod<{ jobId: string }>()(
    'backup.export',
    z.object({ connectionId: id, source: exportSourceSchema, options: exportOptionsSchema.optional() }),
    ['connectionId', 'source', 'options'],
  ),
};

export const backupEvents = {
  progress: defineEvent<BackupProgressEvent>()('backup.progress', 'all'),
  done: defineEvent<BackupDoneEvent>()('backup.done', 'all'),
};
