/**
 * The schedule editor in Chromium on the standalone bridge: the local time zone is the default, the next five runs
 * shown are the bridge's (`schedule.preview`) and follow the chosen zone, a bad cron is explained inline with its
 * faulty field marked and Save refused (nothing reaches app.db), and a schedule is created, disabled, edited and
 * deleted — each checked over RPC. Screenshots: docs/screenshots/schedule-editor.png, schedule-cron-error.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.js';
import type { TestClient } from '../helpers/clients.js';
import { openBackupsScreen, type BackupsScreen } from './backups-screen.js';
import { screenshot } from './ui-page.js';

describe.skipIf(!browserAvailable())('the schedule editor', { timeout: 90_000 }, () => {
  let screen: BackupsScreen;
  let rpc: TestClient;
  let page: Page;
  let errors: string[];
  let connectionId: string;

  beforeAll(async () => {
    screen = await openBackupsScreen('Notes', (db) => db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('a'), ('b')"));
    ({ rpc, page, errors, connectionId } = screen);
  }, 60_000);

  afterAll(async () => {
    await screen?.stop();
  });

  const editor = () => page.getByRole('dialog', { name: /backup schedule/ });
  const cronInput = () => editor().getByRole('textbox', { name: 'Cron expression' });
  const shownRuns = () => editor().getByRole('group', { name: 'Next runs' }).locator('li time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')));

  it('shows the next five runs as the bridge computes them, in the local zone by default and in a chosen one', async () => {
    await page.getByRole('group', { name: 'Schedules' }).getByRole('button', { name: '+ New schedule' }).click();
    await editor().waitFor();
    const localZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await editor().getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe(localZone);
    await expect.poll(shownRuns).toHaveLength(5);
    expect(await shownRuns()).toEqual((await rpc.call('schedule.preview', { cron: '0 3 * * *', timezone: localZone })).runs);

    await cronInput().fill('30 2 * * 1-5');
    await editor().getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Tokyo');
    const expected = (await rpc.call('schedule.preview', { cron: '30 2 * * 1-5', timezone: 'Asia/Tokyo' })).runs;
    await expect.poll(shownRuns).toEqual(expected);
    // 02:30 in Tokyo is 17:30 UTC the day before, Sunday to Thursday.
    for (const run of expected) {
      expect(run).toMatch(/T17:30:00\.000Z$/);
      expect(new Date(run).getUTCDay()).toBeLessThan(5);
    }
    expect(await editor().getByRole('group', { name: 'Next runs' }).textContent()).toContain('Asia/Tokyo');
    await screenshot(page, 'schedule-editor');
  });

  it('explains a bad cron inline, marks its field, and refuses to save', async () => {
    await cronInput().fill('61 * * * *');
    const explanation = editor().getByTestId('cron-error');
    await explanation.waitFor();
    expect(await explanation.textContent()).toContain('The minute field is out of range: it takes 0–59.');
    expect(await cronInput().getAttribute('aria-invalid')).toBe('true');
    expect(await editor().locator('.cron-fields li.bad').textContent()).toContain('minute');
    expect(await editor().getByRole('group', { name: 'Next runs' }).textContent()).toContain('None until the expression is valid.');
    const save = editor().getByRole('button', { name: 'Save schedule' });
    expect(await save.isDisabled()).toBe(true);
    // Enter in the field does not submit either.
    await cronInput().press('Enter');
    await screenshot(page, 'schedule-cron-error');

    await cronInput().fill('0 3 * *');
    await expect.poll(() => explanation.textContent()).toMatch(/5 fields .* this one has 4\./);
    await cronInput().fill('*/0 * * * *');
    await expect.poll(() => explanation.textContent()).toMatch(/step/);
    expect(await save.isDisabled()).toBe(true);
    expect(await rpc.call('schedule.list', {})).toEqual([]);
  });

  it('creates, disables, edits and deletes a schedule', async () => {
    await cronInput().fill('30 2 * * 1-5');
    await editor().getByRole('combobox', { name: 'Misfire policy' }).selectOption('skip');
    await editor().getByRole('spinbutton', { name: 'Retention' }).fill('5');
    await expect.poll(shownRuns).toHaveLength(5);
    await editor().getByRole('button', { name: 'Save schedule' }).click();
    await editor().waitFor({ state: 'detached' });

    const [created] = await rpc.call('schedule.list', { connectionId });
    expect(created).toMatchObject({ cron: '30 2 * * 1-5', timezone: 'Asia/Tokyo', misfire: 'skip', retention: 5, enabled: true, options: { type: 'full' } });
    const panel = page.getByRole('group', { name: 'Schedules' });
    const row = panel.locator(`tr[data-schedule-id="${created!.id}"]`);
    await row.waitFor();
    expect(await row.locator('time').first().getAttribute('datetime')).toBe(created!.nextRunAt);

    // The switch follows the bridge's answer (it is re-read after the update), so click and wait rather than uncheck().
    await row.getByRole('switch').click();
    await expect.poll(async () => (await rpc.call('schedule.list', { connectionId }))[0]!.enabled).toBe(false);
    await expect.poll(() => row.getAttribute('class')).toContain('disabled');

    await row.getByRole('button', { name: /Edit schedule/ }).click();
    await editor().waitFor();
    expect(await cronInput().inputValue()).toBe('30 2 * * 1-5');
    expect(await editor().getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Asia/Tokyo');
    await cronInput().fill('0 4 * * 0');
    await editor().getByRole('spinbutton', { name: 'Retention' }).fill('');
    await expect.poll(shownRuns).toHaveLength(5);
    await editor().getByRole('button', { name: 'Save' }).click();
    await editor().waitFor({ state: 'detached' });
    expect((await rpc.call('schedule.list', { connectionId }))[0]).toMatchObject({ id: created!.id, cron: '0 4 * * 0', retention: null, enabled: false });
    await expect.poll(() => row.locator('td.mono').textContent()).toBe('0 4 * * 0');

    await row.getByRole('button', { name: /Delete schedule/ }).click();
    await page.getByRole('dialog', { name: 'Delete schedule' }).getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await rpc.call('schedule.list', {})).toEqual([]);
    expect(errors).toEqual([]);
  });
});
