/**
 * Background jobs (`job.list`, docs/api.md) kept live from `job.status` and `backup.progress`: the jobs screen and
 * the backups screen read the same list. Reloaded whenever the bridge link (re)opens; each status change refreshes
 * that one job with `job.get`, and the last progress step of each job is kept apart (it is not stored in app.db).
 */
import { useSyncExternalStore } from 'react';
import type { BackupProgressEvent } from '../../../protocol/backup.js';
import type { Job } from '../../../protocol/jobs.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { Store } from '../bridge/store.js';

export const jobs = new Store<Job[] | null>(null);
export const jobsError = new Store<string | null>(null);
/** The latest `backup.progress` of each job: percent, step, and the table being dumped. */
export const jobProgress = new Store<Record<string, BackupProgressEvent>>({});

export const ACTIVE_STATUSES: ReadonlySet<Job['status']> = new Set(['queued', 'running']);

bridge.state.subscribe(() => {
  if (bridge.state.get().kind === 'open') void reloadJobs();
});

bridge.client.on('backup.progress', (event) => {
  jobProgress.update((all) => ({ ...all, [event.jobId]: event }));
});

bridge.client.on('job.status', ({ jobId }) => {
  void refreshJob(jobId);
});

export async function reloadJobs(): Promise<void> {
  try {
    jobs.set(await bridge.client.call('job.list', {}));
    jobsError.set(null);
  } catch (error) {
    jobsError.set(describeError(error));
  }
}

/** Puts the job's current record in the list (newest first), or reloads the list when it cannot be fetched. */
export async function refreshJob(jobId: string): Promise<void> {
  let job: Job;
  try {
    job = await bridge.client.call('job.get', { jobId });
  } catch {
    return reloadJobs();
  }
  jobs.update((list) => {
    const rest = (list ?? []).filter((j) => j.id !== job.id);
    return [...rest, job].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  });
}

export function useJobs(): Job[] | null {
  return useSyncExternalStore(jobs.subscribe, jobs.get);
}

export function useJobsError(): string | null {
  return useSyncExternalStore(jobsError.subscribe, jobsError.get);
}

export function useJobProgress(): Record<string, BackupProgressEvent> {
  return useSyncExternalStore(jobProgress.subscribe, jobProgress.get);
}

/** The job's percent: the live event while it runs, the stored value otherwise. */
export function percentOf(job: Job, live: BackupProgressEvent | undefined): number {
  if (job.status === 'success') return 100;
  return Math.max(job.progress, live?.percent ?? 0);
}
