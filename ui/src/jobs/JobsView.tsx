/**
 * Every background job of the bridge (backups, restores, exports — scheduled or not), newest first, kept live from
 * `job.status` and `backup.progress`: status, progress, duration (counting while running), the error of a failed
 * one, and Cancel for a queued or running job (`job.cancel`, docs/api.md).
 */
import { useState } from 'react';
import { JOB_STATUSES, type Job, type JobStatus } from '../../../protocol/jobs.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { connectionById } from '../connections/connections-store.js';
import { formatDuration, formatTime } from '../backups/units.js';
import { jobDurationMs } from './job-timing.js';
import { ACTIVE_STATUSES, percentOf, useJobProgress, useJobs, useJobsError } from './jobs-store.js';
import { ProgressBar } from './ProgressBar.js';
import { useNow } from './use-now.js';
import '../backups/ops.css';

export function JobsView() {
  const list = useJobs();
  const loadError = useJobsError();
  const live = useJobProgress();
  const [filter, setFilter] = useState<JobStatus | 'all'>('all');
  const [error, setError] = useState<string | null>(null);
  const anyActive = (list ?? []).some((j) => ACTIVE_STATUSES.has(j.status));
  const now = useNow(anyActive);
  const shown = (list ?? []).filter((j) => filter === 'all' || j.status === filter);

  async function cancel(job: Job) {
    setError(null);
    try {
      await bridge.client.call('job.cancel', { jobId: job.id });
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section className="ops-view" aria-label="Jobs">
      <header className="ops-header">
        <h1>Jobs</h1>
        <label className="inline-field">
          Status
          <select value={filter} onChange={(e) => setFilter(e.target.value as JobStatus | 'all')} aria-label="Filter by status">
            <option value="all">all</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </header>
      {(error ?? loadError) && (
        <p className="form-error" role="alert">
          {error ?? loadError}
        </p>
      )}
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted">No jobs{filter === 'all' ? ' yet' : ` ${filter}`}.</p>
      ) : (
        <table className="ops-table" aria-label="Job list">
          <thead>
            <tr>
              <th>Job</th>
              <th>Connection</th>
              <th>Status</th>
              <th className="progress-col">Progress</th>
              <th>Created</th>
              <th>Duration</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((job) => {
              const duration = jobDurationMs(job, now);
              const step = live[job.id];
              return (
                <tr key={job.id} data-job-id={job.id} aria-label={`${job.kind} job ${job.id}`}>
                  <td>
                    <span className="job-kind">{job.kind}</span>
                    {job.scheduleId && <span className="tag" title={`Schedule ${job.scheduleId}`}>scheduled</span>}
                    <div className="muted mono small" title={job.id}>
                      {job.id.slice(0, 12)}…
                    </div>
                  </td>
                  <td>{job.connectionId ? (connectionById(job.connectionId)?.name ?? job.connectionId) : '—'}</td>
                  <td>
                    <span className={`status-badge ${job.status}`}>{job.status}</span>
                    {job.error && (
                      <div className="job-error" title={job.error.message}>
                        {job.error.code}: {job.error.message}
                      </div>
                    )}
                  </td>
                  <td className="progress-col">
                    <ProgressBar
                      percent={percentOf(job, step)}
                      label={`Progress of ${job.kind} job ${job.id}`}
                      step={job.status === 'running' ? (step?.message ?? step?.status ?? 'starting') : undefined}
                      tone={job.status === 'success' ? 'success' : job.status === 'failed' ? 'failed' : ACTIVE_STATUSES.has(job.status) ? 'running' : 'cancelled'}
                    />
                  </td>
                  <td>
                    <time dateTime={job.createdAt}>{formatTime(job.createdAt)}</time>
                  </td>
                  <td className="num">{duration === null ? '—' : job.status === 'queued' ? `waiting ${formatDuration(duration)}` : formatDuration(duration)}</td>
                  <td className="actions">
                    {ACTIVE_STATUSES.has(job.status) && (
                      <button type="button" className="small danger" onClick={() => void cancel(job)} aria-label={`Cancel ${job.kind} job ${job.id}`}>
                        Cancel
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
