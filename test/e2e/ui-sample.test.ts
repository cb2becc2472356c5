/**
 * The renderer served by the standalone bridge (`npm start`), in Chromium, on the bundled sample SQLite database:
 * the page connects with the token from its URL, lists the sample, runs a query into the grid with its row count,
 * keeps an unsaved tab (and shows the connection's live status) across a reload, switches theme, and explains a
 * missing or wrong token instead of a blank page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { openUi, screenshot, setEditorText } from './ui-page.js';

describe.skipIf(!browserAvailable())('the renderer on the sample database', { timeout: 90_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('runs a query on the sample connection and streams its rows into the grid', async () => {
    const { page, errors } = await openUi(browser, bridge.ready.ui!);
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByRole('button').first().click();
    await setEditorText(page, 'select * from orders order by id limit 1000');
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.getByTestId('run-status').getByText(/^1,000 rows in/).waitFor();
    expect(await page.locator('.grid-colhead .col-name').first().textContent()).toBe('id');
    expect(await page.locator('.grid-row').count()).toBeGreaterThan(10);
    expect(await page.locator('.grid-row').count()).toBeLessThan(100);
    // The token left the address bar.
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'query-results');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps an unsaved tab across a reload', async () => {
    const { page } = await openUi(browser, bridge.ready.ui!);
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByRole('button').first().click();
    await setEditorText(page, 'select 42 as answer');
    await page.waitForTimeout(400);
    await page.reload();
    await page.locator('.cm-content').getByText('select 42 as answer').waitFor();
    // The sample's worker has run since the first test: the reloaded page learns it (connector.statuses), though no
    // connector.status event will come.
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByLabel('status ready').waitFor({ timeout: 5_000 });
    await page.context().close();
  });

  it('switches to the dark theme', async () => {
    const { page } = await openUi(browser, bridge.ready.ui!);
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByRole('button').first().click();
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await setEditorText(page, 'select * from orders limit 200');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^200 rows in/).waitFor();
    await screenshot(page, 'dark-theme');
    await page.context().close();
  });

  it('shows a banner while the bridge is away and reconnects when it returns', async () => {
    const { page } = await openUi(browser, bridge.ready.ui!);
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByRole('button').first().click();
    const port = new URL(bridge.ready.ui!).port;
    expect(await bridge.stop({ keepDataDir: true })).toBe(0);
    await page.getByRole('alert').getByText('The bridge went away.').waitFor();
    await screenshot(page, 'bridge-lost');
    bridge = await startBridgeProcess({ fromDist: true, dataDir: bridge.dataDir, token: bridge.token, args: ['--port', port] });
    await page.getByRole('alert').getByText('The bridge went away.').waitFor({ state: 'detached', timeout: 15_000 });
    // A new socket means a new query session: running still works.
    await setEditorText(page, 'select 7 as seven');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('run-status').getByText(/^1 row in/).waitFor();
    await page.context().close();
  });

  it('explains a wrong token instead of showing a blank page', async () => {
    const { page } = await openUi(browser, bridge.ready.ui!.replace(/token=.*$/, 'token=wrong'));
    await page.getByRole('heading', { name: 'The bridge refused this page’s token' }).waitFor();
    await screenshot(page, 'wrong-token');
    await page.context().close();
  });

  it('explains a missing token', async () => {
    const { page } = await openUi(browser, bridge.ready.ui!.replace(/\?token=.*$/, ''));
    await page.getByRole('heading', { name: 'This page needs the bridge’s token' }).waitFor();
    await page.context().close();
  });
});
