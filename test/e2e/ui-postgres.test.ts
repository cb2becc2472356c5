/**
 * The renderer against a real PostgreSQL, in Chromium, through the standalone bridge: a connection is created and
 * tested through the form, its schema browsed, a query typed with completion, run and streamed into the grid with
 * its live row count, a `pg_sleep(30)` cancelled (stopped within a second and gone from pg_stat_activity), a syntax
 * error marked at its position, and the history reopening a query. Screenshots go to docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createTestDatabase, dropTestDatabase } from '../integration/postgres/pg-fixture.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { configFromUrl, testDatabase } from '../helpers/databases.js';
import { openUi, screenshot, setEditorText } from './ui-page.js';

const pg = await testDatabase('postgres');
const DB_NAME = `dbv_ui_${Math.random().toString(36).slice(2, 10)}`;

describe.skipIf(pg.skip || !browserAvailable())('the renderer on PostgreSQL', { timeout: 90_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await createTestDatabase(pg.url!, DB_NAME);
    const admin = await adminClient(pg.url!, DB_NAME);
    try {
      await admin.query(`
        create table customers (id serial primary key, name text not null, email text);
        create table ui_items (
          id serial primary key,
          customer_id int references customers(id),
          name text not null,
          price numeric(10,2),
          note text
        );
        create index ui_items_name on ui_items(name);
        insert into customers(name, email) select 'customer ' || g, case when g % 3 = 0 then null else 'c' || g || '@example.com' end from generate_series(1, 50) g;
        insert into ui_items(customer_id, name, price, note)
          select 1 + g % 50, 'item ' || g, (g % 1000) / 10.0, case when g % 5 = 0 then null when g % 7 = 0 then '' else 'note ' || g end
          from generate_series(1, 5000) g;
        analyze;`);
    } finally {
      await admin.end();
    }
    bridge = await startBridgeProcess({ fromDist: true, args: ['--no-sample'] });
    browser = await launchChromium();
    ({ page, errors } = await openUi(browser, bridge.ready.ui!));
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await page.screenshot({ path: `/tmp/dbv-ui-failure-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}.png` });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
    await dropTestDatabase(pg.url!, DB_NAME);
  });

  it('creates a PostgreSQL connection through the form and tests it', async () => {
    const config = configFromUrl(pg.url!);
    await page.getByRole('button', { name: '+ New' }).click();
    const form = page.getByRole('dialog', { name: 'New connection' });
    await form.getByLabel('Name', { exact: true }).fill('Local PostgreSQL');
    await form.getByLabel('Engine', { exact: true }).selectOption('postgres');
    await form.getByLabel('Host', { exact: true }).fill(config.host ?? '127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(config.port ?? 5432));
    await form.getByLabel('Database', { exact: true }).fill(DB_NAME);
    await form.getByLabel('User', { exact: true }).fill(config.user ?? 'postgres');
    if (config.password) await form.getByLabel('Password', { exact: true }).fill(config.password);
    await form.getByRole('button', { name: 'Test' }).click();
    const outcome = form.getByRole('status');
    await outcome.getByText(/Connected in \d+ ms — \d+\.\d+/).waitFor();
    await screenshot(page, 'connection-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('listbox', { name: 'Saved connections' }).getByRole('option', { name: /Local PostgreSQL/ }).waitFor();
    // The saved connection became the active tab's.
    const tabConnection = page.getByLabel('Connection of this tab');
    expect(await tabConnection.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent)).toBe('Local PostgreSQL');
  });

  it('browses the schema: tables, columns with types and keys, indexes, foreign keys, row estimates', async () => {
    const tree = page.getByRole('tree', { name: 'Schema of Local PostgreSQL' });
    await tree.getByRole('button', { name: /ui_items/ }).first().click();
    const details = tree.locator('.table-details');
    await details.getByText('customer_id').first().waitFor();
    expect(await details.locator('.column-line').count()).toBe(5);
    expect(await details.getByText('numeric(10,2)').count()).toBe(1);
    await details.getByText('ui_items_name').waitFor();
    await details.getByText(/customer_id → (public\.)?customers\(id\)/).waitFor();
    await tree.getByText('~5.0k').waitFor();
    await page.getByLabel('Filter tables and columns').fill('email');
    await tree.getByRole('button', { name: /customers/ }).waitFor();
    expect(await tree.getByRole('button', { name: /ui_items/ }).count()).toBe(0);
    await page.getByLabel('Filter tables and columns').fill('');
    await screenshot(page, 'schema-browser');
  });

  it('completes a table name from the metadata while typing', async () => {
    await setEditorText(page, '');
    await page.keyboard.type('select * from ui_it');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'ui_items' });
    await option.waitFor();
    await screenshot(page, 'completion');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' order by id');
    expect(await page.locator('.cm-content').textContent()).toBe('select * from ui_items order by id');
  });

  it('runs the query and shows the streamed rows and their count, NULL apart from empty', async () => {
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.getByTestId('run-status').getByText(/^5,000 rows in/).waitFor();
    const headers = await page.locator('.grid-colhead .col-name').allTextContents();
    expect(headers).toEqual(['id', 'customer_id', 'name', 'price', 'note']);
    expect(await page.locator('.grid-colhead .col-type').first().textContent()).toBe('int4');
    // Row 5 has a NULL note, row 7 an empty one.
    const note = (row: number) => page.locator(`.grid-row[aria-rowindex="${row + 1}"] .grid-cell`).nth(4);
    expect(await note(5).textContent()).toBe('NULL');
    expect(await note(5).getAttribute('class')).toContain('null');
    expect(await note(7).textContent()).toBe('');
    expect(await note(7).getAttribute('class')).not.toContain('null');
    await screenshot(page, 'postgres-results');
  });

  it('shows rows while they stream, with a growing count, before the run ends', async () => {
    await page.getByLabel('Row limit').selectOption('0');
    await setEditorText(page, 'select g, case when g % 2000 = 0 then pg_sleep(0.4) end as pause from generate_series(1, 10000) g');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^Running… [1-9][\d,]* rows/).waitFor();
    expect(await page.locator('.grid-row').count()).toBeGreaterThan(0);
    await page.getByTestId('run-status').getByText(/^10,000 rows in/).waitFor();
  });

  it('cancels select pg_sleep(30): the run stops within a second and the query leaves pg_stat_activity', async () => {
    await setEditorText(page, 'select pg_sleep(30)');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^(Starting|Running)…/).waitFor();
    await waitForActiveSleep(true);
    // Timed inside the page, from the click to the status saying so: the test process's own latency (a loaded
    // machine, Playwright's polling) is not the UI's.
    const stopTime = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const button = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === '■ Cancel')!;
          button.addEventListener('click', () => {
            const clicked = performance.now();
            const observer = new MutationObserver(() => {
              if (document.querySelector('[data-testid="run-status"]')?.textContent?.startsWith('Cancelled')) {
                observer.disconnect();
                resolve(performance.now() - clicked);
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
          }, { capture: true, once: true });
        }),
    );
    await page.getByRole('button', { name: '■ Cancel' }).click();
    await page.getByTestId('run-status').getByText(/^Cancelled/).waitFor({ timeout: 5_000 });
    expect(await stopTime).toBeLessThan(1_000);
    await screenshot(page, 'cancelled');
    await waitForActiveSleep(false);
  });

  it('marks the position of a syntax error in the editor', async () => {
    await setEditorText(page, 'select 1;\nselect * frm ui_items');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByRole('alert').getByText('QUERY_SYNTAX_ERROR').waitFor();
    const mark = page.getByTestId('error-mark');
    await mark.waitFor();
    expect(await mark.textContent()).toBe('frm');
    await screenshot(page, 'syntax-error');
  });

  it('reopens a query from the history', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const dialog = page.getByRole('dialog', { name: 'Query history' });
    await dialog.getByLabel('Search history').fill('order by id');
    const entries = dialog.locator('.history-entry');
    await entries.first().waitFor();
    expect(await entries.count()).toBe(1);
    await screenshot(page, 'history');
    await entries.first().getByRole('button', { name: /^Open query/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /From history/, selected: true }).waitFor();
    expect(await page.locator('.cm-content').textContent()).toBe('select * from ui_items order by id');
    expect(errors).toEqual([]);
  });

  async function waitForActiveSleep(present: boolean): Promise<void> {
    const admin = await adminClient(pg.url!);
    try {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const { rows } = await admin.query(
          "select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active' and query = 'select pg_sleep(30)'",
          [DB_NAME],
        );
        if ((rows[0].n > 0) === present) return;
        if (Date.now() > deadline) throw new Error(`pg_sleep(30) ${present ? 'never appeared in' : 'still active in'} pg_stat_activity`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.end();
    }
  }
});
