/** backup.create / list / restore / delete / export: check what can be checked now, then queue a job. */
import { lstatSync, rmSync } from 'node:fs';
import { BridgeError } from '../../../protocol/index.js';
import { checkOutputPath } from '../../jobs/job-paths.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { chooseBackupMethod, restoreTool, type BackupJobParams, type ExportJobParams, type RestoreJobParams } from '../../jobs/job-runner.js';
import type { ToolSet } from '../../jobs/native-tools.js';
import { engineOf } from '../../jobs/task-connection.js';
import type { BackupsRepo } from '../../store/backups-repo.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';

export interface BackupHandlerDeps {
  repo: ConnectionsRepo;
  backups: BackupsRepo;
  queue: JobQueue;
  tools: Promise<ToolSet>;
  /** Folders a user-given path may be in: the backups folder and the configured ones. */
  allowedRoots: string[];
}

export function backupHandlers(deps: BackupHandlerDeps): HandlerTable {
  return {
    'backup.create': async ({ connectionId, options }) => {
      const engine = engineOf(deps.repo.get(connectionId).type);
      if (options.type === 'table' && !options.tables?.length) throw new BridgeError('INVALID_PARAMS', 'a table backup needs options.tables');
      if (options.type === 'full' && options.tables?.length) throw new BridgeError('INVALID_PARAMS', 'options.tables is only for type "table"');
      chooseBackupMethod(engine, options, await deps.tools);
      const params: BackupJobParams = { options };
      if (options.path !== undefined) params.outPath = checkOutputPath(options.path, deps.allowedRoots, options.overwrite === true);
      const job = deps.queue.submit({ kind: 'backup', connectionId, params })!;
      return { jobId: job.id };
    },

    'backup.list': ({ connectionId }) => deps.backups.list(connectionId),

    'backup.restore': async ({ backupId, options = {} }) => {
      const backup = deps.backups.get(backupId);
      const targetId = options.targetConnectionId ?? backup.connectionId;
      const target = deps.repo.get(targetId);
      if (engineOf(target.type) !== backup.engine) {
        throw new BridgeError('INVALID_PARAMS', `a ${backup.engine} backup cannot be restored into a ${target.type} connection`, { backupId, targetConnectionId: targetId });
      }
      restoreTool(backup.format, await deps.tools);
      const params: RestoreJobParams = { backupId, options };
      const job = deps.queue.submit({ kind: 'restore', connectionId: targetId, params })!;
      return { jobId: job.id };
    },

    'backup.delete': ({ backupId }) => {
      const backup = deps.backups.get(backupId);
      let stat;
      try {
        stat = lstatSync(backup.path);
      } catch {
        stat = null;
      }
      if (stat && !stat.isFile()) throw new BridgeError('INVALID_PATH', 'the backup path is no longer a regular file; not deleting it', { path: backup.path });
      if (stat) rmSync(backup.path, { force: true });
      deps.backups.delete(backupId);
      return {};
    },

    'backup.export': ({ connectionId, source, options }) => {
      engineOf(deps.repo.get(connectionId).type);
      const exportOptions = options ?? { format: 'csv' as const };
      const params: ExportJobParams = { source, options: exportOptions };
      if (exportOptions.path !== undefined) params.outPath = checkOutputPath(exportOptions.path, deps.allowedRoots, exportOptions.overwrite === true);
      const job = deps.queue.submit({ kind: 'export', connectionId, params })!;
      return { jobId: job.id };
    },
  };
}
