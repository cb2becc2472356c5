/**
 * Turns the bridge's reason for refusing a cron expression (croner's message in `details.reason`, docs/api.md
 * `schedule.preview`) into a sentence a user can act on, and says which field is wrong. The bridge stays the one
 * authority on whether an expression is valid; this only words its answer (croner reports some values shifted,
 * e.g. "day: 31" for a day 32, so the allowed range is shown instead of the value).
 */

export const CRON_FIELDS = [
  { key: 'minute', label: 'minute', range: '0–59' },
  { key: 'hour', label: 'hour', range: '0–23' },
  { key: 'day', label: 'day of month', range: '1–31' },
  { key: 'month', label: 'month', range: '1–12 or JAN–DEC' },
  { key: 'dayOfWeek', label: 'day of week', range: '0–7 or SUN–SAT (0 and 7 are Sunday)' },
] as const;

const SECOND_FIELD = { key: 'second', label: 'second', range: '0–59' } as const;

export type CronFieldKey = (typeof CRON_FIELDS)[number]['key'] | 'second';

export interface CronExplanation {
  /** What is wrong, in words. */
  message: string;
  /** The field at fault, when the reason names one. */
  field?: CronFieldKey;
}

/** The fields of an expression as the user typed it: 5, or 6 with seconds first. */
export function fieldsOf(expression: string): { key: CronFieldKey; label: string; range: string; value?: string }[] {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  const layout = parts.length === 6 ? [SECOND_FIELD, ...CRON_FIELDS] : [...CRON_FIELDS];
  return layout.map((field, i) => ({ ...field, value: parts[i] }));
}

export function explainCronError(reason: string, expression: string, field: 'cron' | 'timezone' | string | undefined): CronExplanation {
  if (field === 'timezone') return { message: `Unknown time zone. Pick an IANA zone such as Europe/Berlin.` };
  const text = reason.replace(/^CronPattern:\s*/, '');
  const invalid = /Invalid value for (\w+)/i.exec(text);
  if (invalid) {
    const key = invalid[1] as CronFieldKey;
    const known = [SECOND_FIELD, ...CRON_FIELDS].find((f) => f.key === key);
    if (known) return { field: key, message: `The ${known.label} field is out of range: it takes ${known.range}.` };
  }
  if (/five or six space separated parts/i.test(text)) {
    const count = expression.trim().split(/\s+/).filter(Boolean).length;
    return {
      message: `A cron expression has 5 fields — minute, hour, day of month, month, day of week — or 6 with seconds first; this one has ${count}.`,
    };
  }
  if (/illegal stepping/i.test(text)) return { message: 'A step (/n) must be a whole number of 1 or more, e.g. */15.' };
  if (/never fires/i.test(text)) return { message: 'This expression never fires (for example the 31st of February). Check the day and month fields.' };
  return { message: text.charAt(0).toUpperCase() + text.slice(1) };
}
