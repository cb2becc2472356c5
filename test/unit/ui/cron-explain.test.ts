/** The schedule editor's wording of the bridge's cron refusals (ui/src/schedules/cron-explain.ts). */
import { describe, expect, it } from 'vitest';
import { explainCronError, fieldsOf } from '../../../ui/src/schedules/cron-explain.js';

describe('explainCronError', () => {
  it('names the field out of range and its allowed values, not croner’s shifted value', () => {
    expect(explainCronError('CronPattern: Invalid value for minute: 61', '61 * * * *', 'cron')).toEqual({
      field: 'minute',
      message: 'The minute field is out of range: it takes 0–59.',
    });
    expect(explainCronError('CronPattern: Invalid value for day: 31', '0 3 32 * *', 'cron')).toMatchObject({ field: 'day', message: expect.stringContaining('1–31') });
    expect(explainCronError('CronPattern: Invalid value for dayOfWeek: 8', '0 3 * * 8', 'cron')).toMatchObject({ field: 'dayOfWeek' });
  });

  it('counts the fields of a malformed expression', () => {
    const { message, field } = explainCronError("CronPattern: invalid configuration format ('* * *'), exactly five or six space separated parts are required.", '* * *', 'cron');
    expect(field).toBeUndefined();
    expect(message).toMatch(/5 fields/);
    expect(message).toMatch(/this one has 3\.$/);
  });

  it('explains a bad step, a pattern that never fires, an unknown zone, and passes anything else through', () => {
    expect(explainCronError('CronPattern: Syntax error, illegal stepping: 0', '*/0 * * * *', 'cron').message).toMatch(/step/);
    expect(explainCronError('never fires', '0 0 31 2 *', 'cron').message).toMatch(/never fires/);
    expect(explainCronError('unknown time zone', '0 3 * * *', 'timezone').message).toMatch(/Unknown time zone/);
    expect(explainCronError('CronPattern: something new', 'x', 'cron').message).toBe('Something new');
  });
});

describe('fieldsOf', () => {
  it('lays out 5 fields, or 6 with seconds first', () => {
    expect(fieldsOf('30 2 * * 1-5').map((f) => [f.key, f.value])).toEqual([
      ['minute', '30'],
      ['hour', '2'],
      ['day', '*'],
      ['month', '*'],
      ['dayOfWeek', '1-5'],
    ]);
    expect(fieldsOf('*/3 * * * * *')[0]).toMatchObject({ key: 'second', value: '*/3' });
    expect(fieldsOf('0 3').at(-1)).toMatchObject({ key: 'dayOfWeek', value: undefined });
  });
});
