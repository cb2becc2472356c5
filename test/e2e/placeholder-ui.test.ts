/**
 * The UI a user gets from `npm start`, in a real browser: the page served at the ready line's `ui` address connects
 * with the token from its URL, lists the sample connection, runs the default query and shows its rows; a page
 * opened without the token cannot reach the bridge.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';

describe.skipIf(!browserAvailable())('the placeholder UI in Chromium', () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  beforeAll(async () => {
    bridge = await startBridgeProcess();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('lists the sample connection and streams the rows of the default query into a table', async () => {
    const page = await browser.newPage();
    await page.goto(bridge.ready.ui!);
    await page.getByText('Sample (SQLite)').waitFor();
    await page.getByText('connected to Sample (SQLite)').waitFor();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText(/^1000 rows in \d+ ms \(success\)$/).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1000);
    expect(await page.locator('thead th').first().textContent()).toBe('id');
    if (process.env.DBV_SCREENSHOT) await page.screenshot({ path: process.env.DBV_SCREENSHOT });
    await page.close();
  });

  it('shows the error code when the SQL is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(bridge.ready.ui!);
    await page.getByText('connected to Sample (SQLite)').waitFor();
    await page.locator('#sql').fill('selec nonsense');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText(/QUERY_SYNTAX_ERROR/).waitFor();
    await page.close();
  });

  it('cannot reach the bridge without the token', async () => {
    const page = await browser.newPage();
    await page.goto(bridge.ready.ui!.replace(/\?token=.*$/, ''));
    await page.getByText('disconnected from the bridge').waitFor();
    await page.close();
  });
});
