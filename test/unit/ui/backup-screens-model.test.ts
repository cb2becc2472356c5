/** The pure parts of the backups and jobs screens: backup options per engine, sizes and durations, job timing. */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../protocol/jobs.js';
import type { SchemaMetadata } from '../../../protocol/metadata.js';
import { backupTableNames, choicesFrom, choicesProblem, compressionNote, DEFAULT_CHOICES, toolLabel, toOptions } from '../../../ui/src/backups/backup-options-model.js';
import { formatBytes, formatDuration } from '../../../ui/src/backups/units.js';
import { jobDurationMs } from '../../../ui/src/jobs/job-timing.js';

describe('backup options', () => {
  it('sends only what the engine takes: format on PostgreSQL, a method on servers, tables for a table backup', () => {
    expect(toOptions('sqlite', DEFAULT_CHOICES)).toEqual({ type: 'full' });
    expect(toOptions('sqlite', { ...DEFAULT_CHOICES, via: 'driver', format: 'plain' })).toEqual({ type: 'full' });
    expect(toOptions('postgres', { ...DEFAULT_CHOICES, format: 'plain' })).toEqual({ type: 'full', format: 'plain' });
    expect(toOptions('mysql', { type: 'table', tables: ['orders'], format: 'plain', via: 'driver' })).toEqual({ type: 'table', tables: ['orders'], via: 'driver' });
  });

  it('round-trips a schedule’s stored options and refuses a table backup without tables', () => {
    expect(choicesFrom({ type: 'table', tables: ['a'] })).toEqual({ type: 'table', tables: ['a'], format: 'custom', via: 'auto' });
    expect(choicesFrom(undefined)).toEqual(DEFAULT_CHOICES);
    expect(choicesProblem({ ...DEFAULT_CHOICES, type: 'table' })).toMatch(/at least one table/);
    expect(choicesProblem({ ...DEFAULT_CHOICES, type: 'table', tables: ['a'] })).toBeNull();
  });

  it('names tables as the bridge takes them: schema.table on PostgreSQL, bare elsewhere', () => {
    const table = (name: string) => ({ schema: 's', name, kind: 'table' as const, rowEstimate: null, comment: null, columns: [], indexes: [], foreignKeys: [] });
    const metadata: SchemaMetadata = { database: 'd', schemas: [{ name: 'public', tables: [table('orders'), table('items')], views: [], routines: [] }] };
    expect(backupTableNames('postgres', metadata)).toEqual(['public.orders', 'public.items']);
    expect(backupTableNames('sqlite', metadata)).toEqual(['orders', 'items']);
  });

  it('says what compression follows and which program wrote a backup', () => {
    expect(compressionNote('postgres', DEFAULT_CHOICES)).toMatch(/custom format/);
    expect(compressionNote('postgres', { ...DEFAULT_CHOICES, format: 'plain' })).toMatch(/gzip/);
    expect(compressionNote('mysql', { ...DEFAULT_CHOICES, via: 'driver' })).toMatch(/driver/);
    expect(toolLabel({ tool: 'driver', toolVersion: null, format: 'sqlite-db' })).toBe('SQLite backup API');
    expect(toolLabel({ tool: 'driver', toolVersion: null, format: 'driver-sql-gz' })).toBe('driver export');
    expect(toolLabel({ tool: 'pg_dump', toolVersion: '15.8', format: 'pg-custom' })).toBe('pg_dump 15.8');
  });
});

describe('units', () => {
  it('writes sizes in binary units and durations from ms to hours', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(680 * 1024)).toBe('680.0 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatDuration(243)).toBe('243 ms');
    expect(formatDuration(4000)).toBe('4.0 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(2 * 3600_000 + 60_000)).toBe('2 h 1 min');
  });
});

describe('jobDurationMs', () => {
  const base: Job = {
    id: 'job_1', kind: 'backup', status: 'running', connectionId: 'c', progress: 0, error: null, attempts: 1, scheduleId: null, scheduledFor: null,
    createdAt: '2025-01-01T00:00:00.000Z', startedAt: '2025-01-01T00:00:01.000Z', finishedAt: null,
  };
  const now = Date.parse('2025-01-01T00:00:11.000Z');
  it('counts a running job up to now, a finished one to its end, a queued one as its wait', () => {
    expect(jobDurationMs(base, now)).toBe(10_000);
    expect(jobDurationMs({ ...base, status: 'success', finishedAt: '2025-01-01T00:00:03.500Z' }, now)).toBe(2_500);
    expect(jobDurationMs({ ...base, status: 'queued', startedAt: null }, now)).toBe(11_000);
    expect(jobDurationMs({ ...base, status: 'cancelled', startedAt: null, finishedAt: '2025-01-01T00:00:02.000Z' }, now)).toBeNull();
  });
});
