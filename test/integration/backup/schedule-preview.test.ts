/**
 * `schedule.preview` on the built bridge: the next runs of a cron expression in a zone, without saving anything, and
 * the same refusals as schedule.create (INVALID_PARAMS with `details.field` and croner's `details.reason`) — what
 * the UI's schedule editor shows while the user types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, startJobBridge, type JobBridge } from './job-harness.js';

describe.skipIf(!BUILT && process.env.CI !== 'true')('schedule.preview', () => {
  let jb: JobBridge;
  beforeAll(async () => {
    jb = await startJobBridge();
  }, 60_000);
  afterAll(async () => {
    await jb?.stop();
  });

  it('lists the next five runs in the given zone, earliest first, after now', async () => {
    const before = Date.now();
    const preview = await jb.client.call('schedule.preview', { cron: '30 2 * * *', timezone: 'Asia/Tokyo' });
    expect(preview.timezone).toBe('Asia/Tokyo');
    expect(preview.runs).toHaveLength(5);
    // 02:30 in Tokyo (no daylight saving) is 17:30 UTC, on five consecutive days.
    for (const run of preview.runs) expect(run).toMatch(/T17:30:00\.000Z$/);
    const times = preview.runs.map((r) => Date.parse(r));
    expect(times[0]).toBeGreaterThan(before);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(24 * 3600 * 1000);
  });

  it('takes a count and six-field (seconds) patterns, and defaults to the machine zone', async () => {
    const preview = await jb.client.call('schedule.preview', { cron: '*/10 * * * * *', count: 3 });
    expect(preview.runs).toHaveLength(3);
    expect(preview.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    const times = preview.runs.map((r) => Date.parse(r));
    expect(times[1]! - times[0]!).toBe(10_000);
    expect(times[2]! - times[1]!).toBe(10_000);
  });

  it('follows daylight saving in the zone', async () => {
    // 03:00 on the 1st of each month in Berlin: 02:00 UTC in winter (CET, UTC+1), 01:00 UTC in summer (CEST, UTC+2);
    // twelve months of runs hold both.
    const { runs } = await jb.client.call('schedule.preview', { cron: '0 3 1 * *', timezone: 'Europe/Berlin', count: 12 });
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => new Date(r).getUTCHours()))).toEqual(new Set([1, 2]));
  });

  it('refuses a bad cron, an unknown zone, a cron that never fires — with the field and the reason', async () => {
    expect(await jb.client.request('schedule.preview', { cron: '61 * * * *', timezone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS', details: { field: 'cron', reason: expect.stringMatching(/minute/) } },
    });
    expect(await jb.client.request('schedule.preview', { cron: '* * *' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS', details: { field: 'cron', reason: expect.stringMatching(/five or six/) } },
    });
    expect(await jb.client.request('schedule.preview', { cron: '0 3 * * *', timezone: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS', details: { field: 'timezone' } },
    });
    expect(await jb.client.request('schedule.preview', { cron: '0 0 31 2 *', timezone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS', details: { field: 'cron', reason: 'never fires' } },
    });
    // Nothing was saved by any of it.
    expect(await jb.client.call('schedule.list', {})).toEqual([]);
  });

  it('rejects params outside the schema as a protocol fault', async () => {
    await expect(jb.client.request('schedule.preview', { cron: '0 3 * * *', count: 0 })).rejects.toMatchObject({ code: -32602 });
    await expect(jb.client.request('schedule.preview', { cron: '' })).rejects.toMatchObject({ code: -32602 });
  });
});
