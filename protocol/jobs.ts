import { z } from 'zod';
import { defineEvent, defineMethod } from './descriptor.js';
import type { BridgeErrorShape } from './errors.js';

export const JOB_STATUSES = ['queued', 'running', 'success', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_KINDS = ['backup', 'restore', 'export'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  connectionId: string | null;
  progress: number;
  error: BridgeErrorShape | null;
  attempts: number;
  scheduleId: string | null;
  scheduledFor: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobStatusEvent {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  error?: BridgeErrorShape;
}

const id = z.string().min(1).max(200);

export const jobMethods = {
  list: defineMethod<Job[]>()('job.list', z.object({ status: z.enum(JOB_STATUSES).optional() }), ['status']),
  get: defineMethod<Job>()('job.get', z.object({ jobId: id }), ['jobId']),
  cancel: defineMethod<{ cancelled: boolean }>()('job.cancel', z.object({ jobId: id }), ['jobId']),
};

export const jobEvents = {
  status: defineEvent<JobStatusEvent>()('job.status', 'all'),
};
