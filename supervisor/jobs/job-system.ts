/**
 * The job system as the bridge sees it: app.db repos, the native tools found at start, the piscina pool, the runner,
 * the queue and the scheduler, wired together; handlers for backup.*, job.* and schedule.*; debug info; close().
 */
import { mkdirSync } from 'node:fs';
import type { BackupDoneEvent, BackupProgressEvent, ConnectionConfig, JobStatusEvent } from '../../protocol/index.js';
import type { Logger } from '../log/logger.js';
import { backupHandlers } from '../rpc/handlers/backup-handlers.js';
import { jobHandlers } from '../rpc/handlers/job-handlers.js';
import { scheduleHandlers } from '../rpc/handlers/schedule-handlers.js';
import type { HandlerTable } from '../rpc/router.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { SchedulesRepo } from '../scheduler/schedules-repo.js';
import type { Db } from '../store/app-store.js';
import { BackupsRepo } from '../store/backups-repo.js';
import type { ConnectionsRepo } from '../store/connections-repo.js';
import { BackupPool } from './backup-pool.js';
import { backupsRoot } from './job-paths.js';
import { DEFAULT_JOB_CONCURRENCY, JobQueue } from './job-queue.js';
import { JobRunner } from './job-runner.js';
import { JobStore } from './job-store.js';
import { resolveTools } from './native-tools.js';

export interface JobSystemOptions {
  /** Jobs running at once (default 2). */
  concurrency?: number;
  /** Folders searched for pg_dump & co. before PATH. */
  toolPaths?: string[];
  /** Folders besides `<data-dir>/backups` where a user may have backups and exports written. */
  backupDirs?: string[];
}

export interface JobSystemDeps {
  db: Db;
  dataDir: string;
  repo: ConnectionsRepo;
  loadConfig: (connectionId: string) => Promise<ConnectionConfig>;
  closeConnection: (connectionId: string) => Promise<void>;
  broadcast: (event: 'job.status' | 'backup.progress' | 'backup.done', params: JobStatusEvent | BackupProgressEvent | BackupDoneEvent) => void;
  log: Logger;
  now?: () => Date;
}

export class JobSystem {
  readonly store: JobStore;
  readonly backups: BackupsRepo;
  readonly schedules: SchedulesRepo;
  readonly queue: JobQueue;
  readonly scheduler: Scheduler;
  readonly #pool: BackupPool;
  readonly #tools;
  readonly #allowedRoots: string[];

  constructor(private readonly deps: JobSystemDeps, opts: JobSystemOptions = {}) {
    const concurrency = opts.concurrency ?? DEFAULT_JOB_CONCURRENCY;
    mkdirSync(backupsRoot(deps.dataDir), { recursive: true, mode: 0o700 });
    this.#allowedRoots = [backupsRoot(deps.dataDir), ...(opts.backupDirs ?? [])];
    this.store = new JobStore(deps.db);
    this.backups = new BackupsRepo(deps.db);
    this.schedules = new SchedulesRepo(deps.db);
    this.#pool = new BackupPool(concurrency);
    this.#tools = resolveTools({ toolPaths: opts.toolPaths ?? [], log: deps.log });
    const runner = new JobRunner({
      dataDir: deps.dataDir,
      store: this.store,
      backups: this.backups,
      pool: this.#pool,
      tools: this.#tools,
      loadConfig: deps.loadConfig,
      closeConnection: deps.closeConnection,
      progress: (event) => deps.broadcast('backup.progress', event),
      log: deps.log,
    });
    this.queue = new JobQueue({
      store: this.store,
      run: runner.run,
      concurrency,
      log: deps.log,
      onStatus: (event, _job, outcome) => {
        deps.log.info(event, 'job status');
        deps.broadcast('job.status', event);
        if (event.status === 'queued' || event.status === 'running') return;
        const done: BackupDoneEvent = {
          jobId: event.jobId,
          kind: event.kind,
          status: event.status as BackupDoneEvent['status'],
          ...(outcome?.metadata ? { metadata: outcome.metadata } : {}),
          ...(outcome?.export ? { export: outcome.export } : {}),
          ...(event.error ? { error: event.error } : {}),
        };
        deps.broadcast('backup.done', done);
      },
      afterFinish: (job, status) => this.scheduler.afterJob(job, status),
    });
    this.scheduler = new Scheduler({
      schedules: this.schedules,
      backups: this.backups,
      queue: this.queue,
      log: deps.log,
      connectionExists: (id) => deps.repo.find(id) !== undefined,
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  /** Recovers what a previous run left (interrupted jobs, missed schedule runs), then starts serving jobs. */
  start(): void {
    this.queue.recover();
    this.scheduler.start();
  }

  handlers(): HandlerTable {
    return {
      ...backupHandlers({ repo: this.deps.repo, backups: this.backups, queue: this.queue, tools: this.#tools, allowedRoots: this.#allowedRoots }),
      ...jobHandlers({ store: this.store, queue: this.queue }),
      ...scheduleHandlers({ repo: this.deps.repo, schedules: this.schedules, scheduler: this.scheduler }),
    };
  }

  /** For debug.dumpState: live jobs (with their tool's pid while one runs) and the schedules. Never a secret. */
  debugState(): { jobs: unknown[]; schedules: unknown[] } {
    return {
      jobs: this.queue.live().map((actor) => {
        const pid = this.#pool.toolPids.get(actor.id);
        return { id: actor.id, kind: actor.job.kind, status: actor.status(), connectionId: actor.job.connectionId, ...(pid !== undefined ? { toolPid: pid } : {}) };
      }),
      schedules: this.schedules.list().map((s) => ({ id: s.id, connectionId: s.connectionId, cron: s.cron, timezone: s.timezone, enabled: s.enabled, nextRunAt: s.nextRunAt, lastRunAt: s.lastRunAt })),
    };
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await this.queue.close();
    await this.#pool.close();
  }
}
