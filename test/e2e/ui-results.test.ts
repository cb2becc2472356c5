/**
 * The result grid's everyday tools, in Chromium on the bundled sample (SQLite): the row limit pauses a page-mode run
 * and "Load more" pulls the next rows (query.fetchMore); several result sets become sub-tabs; cells and rows copy as
 * TSV; the shown result exports as CSV and JSON — also the rows only the bridge worker holds. And the connection
 * list's duplicate, edit and delete (confirmed).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { ROW_HEIGHT } from '../../ui/src/results/grid-geometry.js';
import { openUi, screenshot, setEditorText } from './ui-page.js';

describe.skipIf(!browserAvailable())('the result grid and the connection list', { timeout: 90_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true });
    browser = await launchChromium();
    ({ page } = await openUi(browser, bridge.ready.ui!));
    await page.getByRole('listbox', { name: 'Saved connections' }).getByRole('button', { name: /Sample \(SQLite\)/ }).click();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await page.screenshot({ path: `/tmp/dbv-ui-failure-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}.png` });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('pauses at the row limit and loads more on request', async () => {
    await page.getByLabel('Row limit').selectOption('1000');
    await setEditorText(page, 'select id from orders order by id');
    await page.keyboard.press('ControlOrMeta+Enter');
    const status = page.getByTestId('run-status');
    await status.getByText(/^1,000 rows loaded — paused at the row limit/).waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    await status.getByText(/^2,000 rows loaded — paused at the row limit/).waitFor();
    await screenshot(page, 'load-more');
    // Past its first rows the page holds only a count: scrolled to the end, the grid fetches the rows it shows from the
    // bridge worker, including those of the fetchMore answer.
    await page.locator('.grid').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
    await page.locator('.grid-row[aria-rowindex="2001"] .grid-cell').first().getByText('2000', { exact: true }).waitFor();
    // Stripes follow the rows' indices, not the row elements reused while scrolling: every second row, wherever the
    // window starts — checked with the window one row apart (aria-rowindex is the index + 2). Polled:
    // the check may run while the grid is between two renders; a wrong stripe that stays fails it.
    const misstriped = () =>
      page.locator('.grid-row').evaluateAll((rows) =>
        rows
          .map((row) => ({ at: Number(row.getAttribute('aria-rowindex')), striped: getComputedStyle(row).backgroundColor !== 'rgba(0, 0, 0, 0)' }))
          .filter(({ at, striped }) => striped !== (at % 2 === 1)),
      );
    for (const top of [500, 501]) {
      await page.locator('.grid').evaluate((grid, y) => (grid.scrollTop = y), top * ROW_HEIGHT);
      await page.locator(`.grid-row[aria-rowindex="${top + 2}"] .grid-cell`).first().getByText(String(top + 1), { exact: true }).waitFor();
      expect(await page.locator('.grid-row').count()).toBeGreaterThan(10);
      await expect.poll(misstriped, { timeout: 5_000, message: `stripes with row ${top + 1} at the top` }).toEqual([]);
    }
    // A new run replaces the paused one (the session cancels it first).
    await setEditorText(page, 'select 1 as one');
    await page.keyboard.press('ControlOrMeta+Enter');
    await status.getByText(/^1 row in/).waitFor();
  });

  it('shows each statement of a run as its own result set', async () => {
    await setEditorText(page, 'select 1 as a;\nselect 2 as b, 3 as c;');
    await page.keyboard.press('ControlOrMeta+Shift+Enter');
    const tabs = page.getByRole('tablist', { name: 'Result sets' }).getByRole('tab');
    await tabs.nth(1).waitFor();
    expect(await tabs.allTextContents()).toEqual(['Result 1 (1)', 'Result 2 (1)']);
    await tabs.nth(1).click();
    expect(await page.locator('.grid-colhead .col-name').allTextContents()).toEqual(['b', 'c']);
  });

  it('copies a cell range as TSV and exports the result as CSV and JSON', async () => {
    await page.getByLabel('Row limit').selectOption('10000');
    await setEditorText(page, "select id, status, note from orders order by id limit 3");
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^3 rows in/).waitFor();
    const cell = (row: number, col: number) => page.locator(`.grid-row[aria-rowindex="${row + 1}"] .grid-cell`).nth(col);
    // Rows 1–2, columns status..note: a part of the rows, so no header line.
    await cell(1, 1).click();
    await cell(2, 2).click({ modifiers: ['Shift'] });
    await page.keyboard.press('ControlOrMeta+c');
    await page.getByText(/row\(s\) copied/).waitFor();
    const rows = await page.evaluate(() => navigator.clipboard.readText());
    const expected = await page.locator('.grid-row').evaluateAll((els) =>
      els.slice(0, 2).map((row) => Array.from(row.querySelectorAll('.grid-cell')).slice(1).map((c) => c.textContent).join('\t')),
    );
    expect(rows).toBe(expected.join('\n'));
    // A row number selects whole rows, which copy with the header line.
    await page.locator('.grid-row[aria-rowindex="2"] .grid-rownum').click();
    await page.locator('.grid-row[aria-rowindex="3"] .grid-rownum').click({ modifiers: ['Shift'] });
    await page.keyboard.press('ControlOrMeta+c');
    await page.getByText('2 row(s) copied').waitFor();
    expect((await page.evaluate(() => navigator.clipboard.readText())).split('\n')[0]).toBe('id\tstatus\tnote');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\r\n')[0]).toBe('id,status,note');
    expect(csvText.split('\r\n')).toHaveLength(5);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const parsed = JSON.parse(readFileSync((await json.path())!, 'utf8')) as Array<Record<string, unknown>>;
    expect(parsed.map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(Object.keys(parsed[0])).toEqual(['id', 'status', 'note']);
  });

  it('copies and exports rows that only the bridge worker holds', async () => {
    await page.getByLabel('Row limit').selectOption('10000');
    await setEditorText(page, 'select id from orders order by id limit 1000');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^1,000 rows in/).waitFor();
    await page.locator('.grid').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
    const rowNumber = (row: number) => page.locator(`.grid-row[aria-rowindex="${row + 1}"] .grid-rownum`);
    await page.locator('.grid-row[aria-rowindex="1001"] .grid-cell').getByText('1000', { exact: true }).waitFor();
    await rowNumber(998).click();
    await rowNumber(1000).click({ modifiers: ['Shift'] });
    await page.keyboard.press('ControlOrMeta+c');
    await page.getByText('3 row(s) copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('id\n998\n999\n1000');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').split('\r\n');
    expect(lines).toHaveLength(1002);
    expect(lines.slice(-3)).toEqual(['999', '1000', '']);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const parsed = JSON.parse(readFileSync((await json.path())!, 'utf8')) as Array<Record<string, unknown>>;
    expect(parsed.map((r) => Number(r.id))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('duplicates, edits and deletes a connection (after a confirmation)', async () => {
    const list = page.getByRole('listbox', { name: 'Saved connections' });
    await list.getByRole('option', { name: /Sample \(SQLite\)/ }).hover();
    await page.getByRole('button', { name: 'Duplicate Sample (SQLite)' }).click();
    const form = page.getByRole('dialog', { name: 'Duplicate connection' });
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Sample (SQLite) (copy)');
    await form.getByRole('button', { name: 'Test' }).click();
    await form.getByRole('status').getByText(/Connected in \d+ ms/).waitFor();
    await form.getByRole('button', { name: 'Save' }).click();
    await list.getByRole('option', { name: /Sample \(SQLite\) \(copy\)/ }).waitFor();

    await list.getByRole('option', { name: /\(copy\)/ }).hover();
    await page.getByRole('button', { name: 'Edit Sample (SQLite) (copy)' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Sample (SQLite) (copy)' });
    await edit.getByLabel('Name', { exact: true }).fill('Second sample');
    await edit.getByRole('button', { name: 'Save' }).click();
    await list.getByRole('option', { name: /Second sample/ }).waitFor();
    // The update stopped the connection's worker (failing a schema load under way): the schema is loaded afresh.
    await list.getByRole('option', { name: /Second sample/ }).click();
    // (A table's row button shows on hover: its presence is what proves the tables are listed.)
    await page.getByRole('tree', { name: 'Schema of Second sample' }).getByRole('button', { name: 'Open rows of orders', includeHidden: true }).waitFor({ state: 'attached' });
    expect(await page.getByRole('region', { name: 'Schema' }).getByRole('alert').count()).toBe(0);

    await list.getByRole('option', { name: /Second sample/ }).hover();
    await page.getByRole('button', { name: 'Delete Second sample' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete connection' });
    await screenshot(page, 'delete-confirmation');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await list.getByRole('option', { name: /Second sample/ }).waitFor({ state: 'detached' });
    expect(await list.getByRole('option').count()).toBe(1);
  });
});
