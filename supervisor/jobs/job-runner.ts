/**
 * The work of each job kind, on the supervisor's side: pick the tool or the driver-level path, name the files,
 * hand the task to the piscina pool, and on success rename the `*.partial` into place and return the rows to commit.
 * On any other end the partial file is removed.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  BridgeError,
  type BackupFormat,
  type BackupMetadata,
  type BackupOptions,
  type BackupProgressEvent,
  type ConnectionConfig,
  type ExportOptions,
  type ExportSource,
  type RestoreOptions,
} from '../../protocol/index.js';
import type { ResolvedTool, TaskConnection, TaskResult } from '../../workers/channel/backup-task-types.js';
import type { Logger } from '../log/logger.js';
import { knownHostsPathOf } from '../ssh/known-hosts-store.js';
import type { BackupsRepo } from '../store/backups-repo.js';
import type { BackupPool, TaskWithoutPort } from './backup-pool.js';
import type { JobOutcome } from './job.actor.js';
import { connectionBackupDir } from './job-paths.js';
import type { JobRecord, JobStore } from './job-store.js';
import type { ToolSet } from './native-tools.js';
import { engineOf, taskConnection } from './task-connection.js';

export interface BackupJobParams {
  options: BackupOptions;
  /** A user-given output file, already checked (job-paths.ts). */
  outPath?: string;
}
export interface RestoreJobParams {
  backupId: string;
  options: RestoreOptions;
}
export interface ExportJobParams {
  source: ExportSource;
  options: ExportOptions;
  outPath?: string;
}

export interface JobRunnerDeps {
  dataDir: string;
  store: JobStore;
  backups: BackupsRepo;
  pool: BackupPool;
  tools: Promise<ToolSet>;
  loadConfig: (connectionId: string) => Promise<ConnectionConfig>;
  /** Closes a connection's worker (a SQLite restore swaps the file under it). */
  closeConnection: (connectionId: string) => Promise<void>;
  progress: (event: BackupProgressEvent) => void;
  log: Logger;
}

const EXTENSIONS: Record<BackupFormat, string> = {
  'pg-custom': 'dump',
  'pg-plain-gz': 'sql.gz',
  'mysql-sql-gz': 'sql.gz',
  'sqlite-db': 'sqlite',
  'driver-sql-gz': 'driver.sql.gz',
};

/** The format and tool of a backup: the native tool when found (or demanded), else the driver-level export. */
export function chooseBackupMethod(engine: BackupMetadata['engine'], options: BackupOptions, tools: ToolSet): { format: BackupFormat; tool?: ResolvedTool } {
  if (engine === 'sqlite') return { format: 'sqlite-db' };
  const via = options.via ?? 'auto';
  const tool = engine === 'postgres' ? tools.pgDump : tools.mysqlDump;
  if (via === 'driver' || (via === 'auto' && !tool)) return { format: 'driver-sql-gz' };
  if (!tool) throw new BridgeError('TOOL_NOT_FOUND', `${engine === 'postgres' ? 'pg_dump' : 'mariadb-dump / mysqldump'} was not found at start`, { engine });
  if (engine === 'mysql') return { format: 'mysql-sql-gz', tool };
  return { format: options.format === 'plain' ? 'pg-plain-gz' : 'pg-custom', tool };
}

export function restoreTool(format: BackupFormat, tools: ToolSet): ResolvedTool | undefined {
  const role = format === 'pg-custom' ? 'pgRestore' : format === 'pg-plain-gz' ? 'psql' : format === 'mysql-sql-gz' ? 'mysql' : null;
  if (!role) return undefined;
  const tool = tools[role];
  if (!tool) throw new BridgeError('TOOL_NOT_FOUND', `restoring a ${format} backup needs ${role}, which was not found at start`, { format });
  return tool;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  run = async (job: JobRecord, signal: AbortSignal): Promise<JobOutcome> => {
    if (job.kind === 'backup') return this.#backup(job, job.params as BackupJobParams, signal);
    if (job.kind === 'restore') return this.#restore(job, job.params as RestoreJobParams, signal);
    return this.#export(job, job.params as ExportJobParams, signal);
  };

  async #backup(job: JobRecord, params: BackupJobParams, signal: AbortSignal): Promise<JobOutcome> {
    const connectionId = job.connectionId!;
    const config = await this.deps.loadConfig(connectionId);
    const engine = engineOf(config.type);
    const { format, tool } = chooseBackupMethod(engine, params.options, await this.deps.tools);
    const tables = params.options.type === 'table' ? params.options.tables : undefined;
    const finalPath = params.outPath ?? join(connectionBackupDir(this.deps.dataDir, connectionId), `backup-${stamp()}-${job.id.slice(4, 12)}.${EXTENSIONS[format]}`);
    const started = Date.now();
    const result = await this.#runTask(job, finalPath, signal, (outPath) => ({
      kind: 'backup',
      jobId: job.id,
      conn: this.#conn(config),
      outPath,
      format,
      ...(tables ? { tables } : {}),
      ...(tool ? { tool } : {}),
    }));
    const metadata: BackupMetadata = {
      id: `bak_${job.id.slice(4)}`,
      connectionId,
      path: finalPath,
      type: params.options.type,
      ...(tables ? { tables } : {}),
      size: result.size!,
      sha256: result.sha256!,
      createdAt: new Date().toISOString(),
      format,
      engine,
      tool: tool?.path ?? 'driver',
      toolVersion: tool?.version ?? null,
      durationMs: Date.now() - started,
      scheduleId: job.scheduleId,
    };
    return { metadata, commit: () => this.deps.backups.insert(metadata, job.id) };
  }

  async #restore(job: JobRecord, params: RestoreJobParams, signal: AbortSignal): Promise<JobOutcome> {
    const backup = this.deps.backups.get(params.backupId);
    const targetId = params.options.targetConnectionId ?? backup.connectionId;
    const config = await this.deps.loadConfig(targetId);
    if (engineOf(config.type) !== backup.engine) {
      throw new BridgeError('INVALID_PARAMS', `a ${backup.engine} backup cannot be restored into a ${config.type} connection`);
    }
    if (!existsSync(backup.path)) throw new BridgeError('RESTORE_FAILED', 'the backup file is missing', { reason: 'missing', path: backup.path });
    const tool = restoreTool(backup.format, await this.deps.tools);
    const conn = this.#conn(config);
    if (backup.engine !== 'sqlite') {
      const clean = params.options.dropExisting !== false;
      await this.#runTask(job, null, signal, () => ({ kind: 'restore', jobId: job.id, conn, inPath: backup.path, format: backup.format, sha256: backup.sha256, clean, ...(tool ? { tool } : {}) }));
      return {};
    }
    // SQLite: the restored database is built as a new file, then swapped in while the connection's worker is stopped.
    const dbFile = conn.database!;
    await this.#runTask(job, dbFile, signal, (outPath) => ({ kind: 'restore', jobId: job.id, conn, inPath: backup.path, format: backup.format, sha256: backup.sha256, outPath }), {
      beforeRename: async () => {
        await this.deps.closeConnection(targetId);
        for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
      },
    });
    return {};
  }

  async #export(job: JobRecord, params: ExportJobParams, signal: AbortSignal): Promise<JobOutcome> {
    const connectionId = job.connectionId!;
    const config = await this.deps.loadConfig(connectionId);
    const format = params.options.format;
    const dir = connectionBackupDir(this.deps.dataDir, connectionId);
    const finalPath = params.outPath ?? join(dir, `export-${stamp()}-${job.id.slice(4, 12)}.${format}`);
    const result = await this.#runTask(job, finalPath, signal, (outPath) => ({ kind: 'export', jobId: job.id, conn: this.#conn(config), outPath, format, source: params.source }));
    return { export: { path: finalPath, size: result.size!, rows: result.rows!, sha256: result.sha256! } };
  }

  /** The task's connection; an SSH one carries its settings and the pinned keys' path, the task opens the forward. */
  #conn(config: ConnectionConfig): TaskConnection {
    return taskConnection(config, { knownHostsPath: knownHostsPathOf(this.deps.dataDir) });
  }

  /**
   * Runs one task. With a final path, the task writes `<final>.partial` (recorded in app.db first, so a crash knows
   * what to remove) and the file is renamed into place only on success; any other end removes it.
   */
  async #runTask(
    job: JobRecord,
    finalPath: string | null,
    signal: AbortSignal,
    build: (outPath: string) => TaskWithoutPort,
    hooks: { beforeRename?: () => Promise<void> } = {},
  ): Promise<TaskResult> {
    const partial = finalPath ? `${finalPath}.partial` : null;
    if (partial) {
      this.deps.store.setPartialPath(job.id, partial);
      rmSync(partial, { force: true });
    }
    let renamed = false;
    // Progress only grows, also on this side: the port and piscina's result are two channels, so the task's last
    // message may arrive after its result; the 100 is reported here once the task succeeded.
    let last = -1;
    const report = (percent: number, status: string, message?: string) => {
      if (percent <= last) return;
      last = percent;
      this.deps.store.setProgress(job.id, percent);
      this.deps.progress({ jobId: job.id, kind: job.kind, percent, status, ...(message ? { message } : {}) });
    };
    try {
      const outcome = await this.deps.pool.run(build(partial ?? ''), signal, (message) => {
        if (message.type === 'progress' && message.percent < 100) report(message.percent, message.status, message.message);
      });
      if (!outcome.ok) throw BridgeError.from(outcome.error);
      report(100, 'done');
      if (partial && finalPath) {
        await hooks.beforeRename?.();
        renameSync(partial, finalPath);
        renamed = true;
      }
      return outcome.result;
    } finally {
      if (partial && !renamed) rmSync(partial, { force: true });
    }
  }
}
