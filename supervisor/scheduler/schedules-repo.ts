/** The schedules table of app.db. */
import { randomUUID } from 'node:crypto';
import { BridgeError, type BackupOptions, type Schedule } from '../../protocol/index.js';
import type { Db } from '../store/app-store.js';
import type { MisfirePolicy } from './misfire.js';

interface Row {
  id: string;
  connection_id: string;
  cron: string;
  timezone: string;
  misfire: MisfirePolicy;
  options: string;
  enabled: number;
  retention: number | null;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
}

export type StoredSchedule = Omit<Schedule, 'upcoming'>;

export interface NewSchedule {
  connectionId: string;
  cron: string;
  timezone: string;
  misfire: MisfirePolicy;
  options: BackupOptions;
  retention: number | null;
  nextRunAt: string | null;
}

export class SchedulesRepo {
  constructor(private readonly db: Db) {}

  insert(s: NewSchedule): StoredSchedule {
    const id = `sch_${randomUUID()}`;
    this.db
      .prepare(
        'INSERT INTO schedules (id, connection_id, cron, timezone, misfire, options, enabled, retention, next_run_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
      )
      .run(id, s.connectionId, s.cron, s.timezone, s.misfire, JSON.stringify(s.options), s.retention, s.nextRunAt, new Date().toISOString());
    return this.get(id);
  }

  find(id: string): StoredSchedule | undefined {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as Row | undefined;
    return row && toSchedule(row);
  }

  /** An unknown schedule is INVALID_PARAMS (docs/api.md: there is no SCHEDULE_NOT_FOUND code). */
  get(id: string): StoredSchedule {
    const found = this.find(id);
    if (!found) throw new BridgeError('INVALID_PARAMS', `No schedule with id ${id}`, { id });
    return found;
  }

  list(connectionId?: string): StoredSchedule[] {
    const rows = (
      connectionId === undefined
        ? this.db.prepare('SELECT * FROM schedules ORDER BY created_at, id').all()
        : this.db.prepare('SELECT * FROM schedules WHERE connection_id = ? ORDER BY created_at, id').all(connectionId)
    ) as Row[];
    return rows.map(toSchedule);
  }

  update(id: string, s: StoredSchedule): StoredSchedule {
    this.db
      .prepare('UPDATE schedules SET cron = ?, timezone = ?, misfire = ?, options = ?, enabled = ?, retention = ?, next_run_at = ? WHERE id = ?')
      .run(s.cron, s.timezone, s.misfire, JSON.stringify(s.options), s.enabled ? 1 : 0, s.retention, s.nextRunAt, id);
    return this.get(id);
  }

  setRunTimes(id: string, nextRunAt: string | null, lastRunAt: string | null): void {
    this.db.prepare('UPDATE schedules SET next_run_at = ?, last_run_at = coalesce(?, last_run_at) WHERE id = ?').run(nextRunAt, lastRunAt, id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toSchedule(row: Row): StoredSchedule {
  return {
    id: row.id,
    connectionId: row.connection_id,
    cron: row.cron,
    timezone: row.timezone,
    misfire: row.misfire,
    options: JSON.parse(row.options) as BackupOptions,
    enabled: row.enabled === 1,
    retention: row.retention,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
  };
}
