/**
 * The renderer against a real MariaDB, in Chromium: a MySQL/MariaDB connection is created and tested through the
 * form, and a query's rows (NULL apart from an empty string) come back into the grid with MySQL's column types.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { configFromUrl, testDatabase } from '../helpers/databases.js';
import { openUi, screenshot, setEditorText } from './ui-page.js';

const mysql = await testDatabase('mysql');

describe.skipIf(mysql.skip || !browserAvailable())('the renderer on MariaDB', { timeout: 90_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true, args: ['--no-sample'] });
    browser = await launchChromium();
    ({ page } = await openUi(browser, bridge.ready.ui!));
  });

  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('creates and tests a MariaDB connection through the form, then runs a query into the grid', async () => {
    const config = configFromUrl(mysql.url!);
    await page.getByRole('button', { name: '+ New' }).click();
    const form = page.getByRole('dialog', { name: 'New connection' });
    await form.getByLabel('Name', { exact: true }).fill('Local MariaDB');
    await form.getByLabel('Engine', { exact: true }).selectOption('mysql');
    await form.getByLabel('Host', { exact: true }).fill(config.host ?? '127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(config.port ?? 3306));
    await form.getByLabel('Database', { exact: true }).fill(config.database ?? 'test');
    await form.getByLabel('User', { exact: true }).fill(config.user ?? 'root');
    if (config.password) await form.getByLabel('Password', { exact: true }).fill(config.password);
    await form.getByRole('button', { name: 'Test' }).click();
    await form.getByRole('status').getByText(/Connected in \d+ ms — .*\d+\.\d+/).waitFor();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });

    await setEditorText(page, "select 1 as one, null as nothing, '' as empty, 'text' as word");
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^1 row in/).waitFor();
    const cells = page.locator('.grid-row[aria-rowindex="2"] .grid-cell');
    expect(await cells.allTextContents()).toEqual(['1', 'NULL', '', 'text']);
    expect(await cells.nth(1).getAttribute('class')).toContain('null');
    expect(await cells.nth(2).getAttribute('class')).not.toContain('null');
    await screenshot(page, 'mariadb-results');
  });
});
