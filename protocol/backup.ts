import { z } from 'zod';
import { defineEvent, defineMethod } from './descriptor.js';
import type { BridgeErrorShape } from './errors.js';

export const backupOptionsSchema = z.object({
  type: z.enum(['full', 'table']).default('full'),
  tables: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
  compress: z.boolean().optional(),
  format: z.enum(['plain', 'custom']).optional(),
});
export type BackupOptions = z.output<typeof backupOptionsSchema>;

export const restoreOptionsSchema = z.object({
  targetConnectionId: z.string().min(1).max(200).optional(),
  dropExisting: z.boolean().optional(),
});

export interface BackupMetadata {
  id: string;
  connectionId: string;
  path: string;
  type: 'full' | 'table';
  tables?: string[];
  size: number;
  sha256: string;
  createdAt: string;
}

export interface BackupProgressEvent {
  jobId: string;
  kind: 'backup' | 'restore';
  percent: number;
  status: string;
  message?: string;
}

export interface BackupDoneEvent {
  jobId: string;
  kind: 'backup' | 'restore';
  status: 'success' | 'failed' | 'cancelled';
  metadata?: BackupMetadata;
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
};

export const backupEvents = {
  progress: defineEvent<BackupProgressEvent>()('backup.progress', 'all'),
  done: defineEvent<BackupDoneEvent>()('backup.done', 'all'),
};
