import { z } from 'zod';
import { backupOptionsSchema } from './backup.js';
import { defineMethod } from './descriptor.js';

export const MISFIRE_POLICIES = ['skip', 'run_once', 'run_all'] as const;

export interface Schedule {
  id: string;
  connectionId: string;
  cron: string;
  timezone: string;
  misfire: (typeof MISFIRE_POLICIES)[number];
  options: z.output<typeof backupOptionsSchema>;
  enabled: boolean;
  /** Keep only this many of the schedule's backups (the oldest are deleted); null keeps all. */
  retention: number | null;
  nextRunAt: string | null;
  /** The next few runs, for display. */
  upcoming: string[];
  lastRunAt: string | null;
  createdAt: string;
}

export interface SchedulePreview {
  /** The zone the runs were computed in (the machine's when none was given). */
  timezone: string;
  /** The next runs after now, ISO-8601 UTC. */
  runs: string[];
}

const id = z.string().min(1).max(200);
const cron = z.string().min(1).max(200);
const timezone = z.string().min(1).max(100);
const retention = z.number().int().min(1).max(10_000);

export const scheduleMethods = {
  create: defineMethod<Schedule>()(
    'schedule.create',
    z.object({
      connectionId: id,
      cron,
      options: backupOptionsSchema,
      timezone: timezone.optional(),
      misfire: z.enum(MISFIRE_POLICIES).optional(),
      retention: retention.optional(),
    }),
    ['connectionId', 'cron', 'options', 'timezone', 'misfire', 'retention'],
  ),
  list: defineMethod<Schedule[]>()('schedule.list', z.object({ connectionId: id.optional() }), ['connectionId']),
  update: defineMethod<Schedule>()(
    'schedule.update',
    z.object({
      id,
      patch: z.object({
        cron: cron.optional(),
        options: backupOptionsSchema.optional(),
        timezone: timezone.optional(),
        misfire: z.enum(MISFIRE_POLICIES).optional(),
        enabled: z.boolean().optional(),
        retention: retention.nullable().optional(),
      }),
    }),
    ['id', 'patch'],
  ),
  delete: defineMethod<Record<string, never>>()('schedule.delete', z.object({ id }), ['id']),
  /** Checks a cron expression and time zone without saving anything, and lists the next runs (for an editor). */
  preview: defineMethod<SchedulePreview>()(
    'schedule.preview',
    z.object({ cron, timezone: timezone.optional(), count: z.number().int().min(1).max(50).optional() }),
    ['cron', 'timezone', 'count'],
  ),
};
