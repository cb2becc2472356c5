/** How long a job ran (or has been running, or has been waiting): the jobs screen's duration column. */
import type { Job } from '../../../protocol/jobs.js';

export function jobDurationMs(job: Job, now: number): number | null {
  if (job.startedAt === null) return job.status === 'queued' ? now - Date.parse(job.createdAt) : null;
  const end = job.finishedAt === null ? now : Date.parse(job.finishedAt);
  return end - Date.parse(job.startedAt);
}
