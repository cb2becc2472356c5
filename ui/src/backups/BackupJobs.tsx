/**
 * Progress of the connection's backup and restore jobs: those started here (kept until dismissed) and any other
 * active one on the connection (a scheduled run), each with a live bar from `backup.progress`.
 */
import type { Job } from '../../../protocol/jobs.js';
import { ACTIVE_STATUSES, percentOf, useJobProgress, useJobs } from '../jobs/jobs-store.js';
import { ProgressBar } from '../jobs/ProgressBar.js';
import { dismissJob, useStartedJobs } from './started-jobs.js';

export function BackupJobs(props: { connectionId: string }) {
  const jobs = useJobs() ?? [];
  const live = useJobProgress();
  const startedHere = useStartedJobs();
  const shown = jobs.filter((j) => startedHere.includes(j.id) || (j.connectionId === props.connectionId && ACTIVE_STATUSES.has(j.status) && j.kind !== 'export'));
  if (shown.length === 0) return null;
  return (
    <ul className="backup-jobs" aria-label="Backup progress">
      {shown.map((job) => (
        <JobLine key={job.id} job={job} percent={percentOf(job, live[job.id])} step={live[job.id]?.message ?? live[job.id]?.status} dismissable={startedHere.includes(job.id)} />
      ))}
    </ul>
  );
}

function JobLine(props: { job: Job; percent: number; step?: string; dismissable: boolean }) {
  const { job } = props;
  const active = ACTIVE_STATUSES.has(job.status);
  return (
    <li className="backup-job" data-job-id={job.id}>
      <span className="job-kind">{job.kind}</span>
      <ProgressBar
        percent={props.percent}
        label={`${job.kind} progress`}
        step={active ? props.step : undefined}
        tone={job.status === 'success' ? 'success' : job.status === 'failed' ? 'failed' : active ? 'running' : 'cancelled'}
      />
      <span className={`status-badge ${job.status}`}>{job.status}</span>
      {job.error && <span className="job-error">{job.error.message}</span>}
      {!active && props.dismissable && (
        <button type="button" className="icon-button" aria-label={`Dismiss ${job.kind} job`} onClick={() => dismissJob(job.id)}>
          ×
        </button>
      )}
    </li>
  );
}
