/**
 * The choices of a backup (docs/api.md `BackupOptions`) as a form edits them, and what each engine offers: only
 * PostgreSQL has a choice of format; SQLite has no native tool (its backup API is always used); dumps are always
 * compressed by the bridge (custom format or gzip), so compression is shown, not chosen.
 */
import type { BackupMetadata, BackupOptions } from '../../../protocol/backup.js';
import type { ConnectorType } from '../../../protocol/connections.js';
import type { SchemaMetadata } from '../../../protocol/metadata.js';

export interface BackupChoices {
  type: 'full' | 'table';
  tables: string[];
  format: 'custom' | 'plain';
  via: 'auto' | 'tool' | 'driver';
}

export const DEFAULT_CHOICES: BackupChoices = { type: 'full', tables: [], format: 'custom', via: 'auto' };

export function choicesFrom(options: Partial<BackupOptions> | undefined): BackupChoices {
  return {
    type: options?.type ?? 'full',
    tables: options?.tables ?? [],
    format: options?.format ?? 'custom',
    via: options?.via ?? 'auto',
  };
}

export function toOptions(engine: ConnectorType | string, choices: BackupChoices): BackupOptions {
  return {
    type: choices.type,
    ...(choices.type === 'table' ? { tables: choices.tables } : {}),
    ...(engine === 'postgres' ? { format: choices.format } : {}),
    ...(engine !== 'sqlite' && choices.via !== 'auto' ? { via: choices.via } : {}),
  };
}

/** Why the choices cannot be submitted, or null. */
export function choicesProblem(choices: BackupChoices): string | null {
  if (choices.type === 'table' && choices.tables.length === 0) return 'Choose at least one table for a table backup.';
  return null;
}

/** The names a table backup takes: `schema.table` on PostgreSQL, the bare name elsewhere. */
export function backupTableNames(engine: ConnectorType | string, metadata: SchemaMetadata): string[] {
  return metadata.schemas.flatMap((schema) => schema.tables.map((t) => (engine === 'postgres' ? `${schema.name}.${t.name}` : t.name)));
}

/** What the bridge will write, in words, for the form's compression line. */
export function compressionNote(engine: ConnectorType | string, choices: BackupChoices): string {
  if (engine === 'sqlite') return 'SQLite database file (uncompressed copy, page by page)';
  if (choices.via === 'driver') return 'gzip (driver-level SQL export)';
  if (engine === 'postgres') return choices.format === 'plain' ? 'gzip (plain SQL)' : 'pg_dump custom format (compressed)';
  return 'gzip';
}

export const FORMAT_LABELS: Record<string, string> = {
  'pg-custom': 'pg_dump custom',
  'pg-plain-gz': 'SQL (gzip)',
  'mysql-sql-gz': 'SQL (gzip)',
  'sqlite-db': 'SQLite file',
  'driver-sql-gz': 'driver SQL (gzip)',
};

/** Which program wrote a backup: the native tool and its version, SQLite's backup API, or the bridge's own export. */
export function toolLabel(backup: Pick<BackupMetadata, 'tool' | 'toolVersion' | 'format'>): string {
  if (backup.tool === 'driver') return backup.format === 'sqlite-db' ? 'SQLite backup API' : 'driver export';
  return backup.toolVersion ? `${backup.tool} ${backup.toolVersion}` : backup.tool;
}
