/** job.list / get / cancel: app.db is the truth for a job's status; the queue cancels live ones. */
import type { JobQueue } from '../../jobs/job-queue.js';
import { toWireJob, type JobStore } from '../../jobs/job-store.js';
import type { HandlerTable } from '../router.js';

export function jobHandlers(deps: { store: JobStore; queue: JobQueue }): HandlerTable {
  return {
    'job.list': ({ status }) => deps.store.list(status).map(toWireJob),
    'job.get': ({ jobId }) => toWireJob(deps.store.get(jobId)),
    'job.cancel': ({ jobId }) => ({ cancelled: deps.queue.cancel(jobId) }),
  };
}
