/**
 * Cron expressions through croner (already a dependency; it handles time zones, 5- and 6-field patterns and lists the
 * next runs — docs/architecture.md "Schedules" says why it was chosen over node-cron). croner keeps no state here:
 * a pattern is parsed to answer "when next after t", and app.db holds the schedule's times.
 */
import { Cron } from 'croner';
import { BridgeError } from '../../protocol/index.js';

export interface CronRule {
  /** The first run strictly after `from`, or null when the pattern never fires again. */
  nextAfter(from: Date): Date | null;
  /** The next `count` runs after `from`. */
  upcoming(from: Date, count: number): Date[];
}

/** Parses and checks a pattern and a time zone; a bad one is INVALID_PARAMS with croner's reason. */
export function parseCron(pattern: string, timezone: string): CronRule {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new BridgeError('INVALID_PARAMS', `unknown time zone: ${timezone}`, { field: 'timezone', reason: 'unknown time zone' });
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone, paused: true });
  } catch (error) {
    const reason = (error as Error).message;
    throw new BridgeError('INVALID_PARAMS', `invalid cron expression "${pattern}": ${reason}`, { field: 'cron', reason });
  }
  if (cron.nextRun(new Date()) === null) {
    throw new BridgeError('INVALID_PARAMS', `the cron expression "${pattern}" never fires`, { field: 'cron', reason: 'never fires' });
  }
  return {
    nextAfter: (from) => cron.nextRun(from),
    upcoming: (from, count) => cron.nextRuns(count, from),
  };
}

export function defaultTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
