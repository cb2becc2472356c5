/**
 * Charts of query results, in Chromium on the bundled sample (SQLite): a bar chart of a grouped query renders on a
 * canvas with its data and exports PNG and SVG; a time axis over 12,000 orders is downsampled before it reaches
 * ECharts; series by a column; a chart is saved (chart.save, checked over the RPC), reopened after a reload from the
 * Charts dialog with its query and settings, and deleted.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { connectWs, type TestClient } from '../helpers/clients.js';
import { openUi, screenshot, setEditorText } from './ui-page.js';

const BY_STATUS = 'select status, count(*) as orders from orders group by status order by status';

async function runQuery(page: Page, sql: string): Promise<void> {
  await setEditorText(page, sql);
  await page.keyboard.press('ControlOrMeta+Enter');
  await page.getByTestId('run-status').getByText(/rows? in/).waitFor();
}

/** How many pixels of the chart's canvas differ from its top-left pixel (the background). */
function paintedPixels(page: Page): Promise<number> {
  return page.locator('[data-testid="chart"] canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) painted++;
    return painted;
  });
}

describe.skipIf(!browserAvailable())('charts of query results', { timeout: 120_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let rpc: TestClient;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true });
    rpc = await connectWs(bridge.ready.url, bridge.token);
    browser = await launchChromium();
    ({ page, errors } = await openUi(browser, bridge.ready.ui!));
    await page.getByRole('listbox', { name: 'Saved connections' }).getByRole('button', { name: /Sample \(SQLite\)/ }).click();
    // All 12,000 orders: the time axis test counts them.
    await page.getByLabel('Row limit').selectOption('0');
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await page.screenshot({ path: `/tmp/dbv-ui-failure-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}.png` });
  });

  afterAll(async () => {
    await rpc?.close();
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('plots a grouped query as a bar chart and exports it as PNG and SVG', async () => {
    await runQuery(page, BY_STATUS);
    await page.getByRole('button', { name: 'Chart', exact: true }).click();
    const chart = page.getByTestId('chart');
    await chart.locator('canvas').first().waitFor();
    await expect.poll(() => chart.getAttribute('data-drawn')).toBe('4');
    expect(await chart.getAttribute('data-kind')).toBe('bar');
    expect(await page.getByLabel('X column').inputValue()).toBe('status');
    expect(await page.getByRole('group', { name: 'Y columns' }).getByRole('button', { name: 'orders', pressed: true }).count()).toBe(1);
    await expect.poll(() => paintedPixels(page)).toBeGreaterThan(2_000);
    await screenshot(page, 'chart-bar');

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    const pngBytes = readFileSync((await png.path())!);
    expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngBytes.length).toBeGreaterThan(5_000);

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const status of ['cancelled', 'paid', 'pending', 'shipped']) expect(svgText).toContain(`>${status}</text>`);
    // Four bars: four filled paths beyond the axes.
    expect(svgText.match(/<path /g)!.length).toBeGreaterThan(4);
  });

  it('puts timestamps on a time axis, downsampled, with one series per status', async () => {
    // Orders so far, overall and per status: cumulative counts over time.
    await runQuery(
      page,
      'select ordered_at, row_number() over (order by ordered_at) as orders_so_far, row_number() over (partition by status order by ordered_at) as per_status, status from orders order by ordered_at',
    );
    const chart = page.getByTestId('chart');
    // The chart view stays on for the tab; the new result gets a spec guessed from its columns.
    await chart.waitFor();
    expect(await page.getByLabel('X column').inputValue()).toBe('ordered_at');
    await page.getByLabel('Chart kind').selectOption('line');
    await expect.poll(() => chart.getAttribute('data-values')).toBe('12000');
    const drawn = Number(await chart.getAttribute('data-drawn'));
    expect(drawn).toBeLessThanOrEqual(2_000);
    expect(drawn).toBeGreaterThan(1_000);
    expect(await page.getByTestId('chart-info').textContent()).toContain('downsampled');
    await screenshot(page, 'chart-line-time');

    const yColumns = page.getByRole('group', { name: 'Y columns' });
    await yColumns.getByRole('button', { name: 'per_status' }).click();
    await yColumns.getByRole('button', { name: 'orders_so_far' }).click();
    expect(await yColumns.getByRole('button', { pressed: true }).allTextContents()).toEqual(['per_status']);
    await page.getByLabel('Series by column').selectOption('status');
    await expect.poll(async () => Number(await chart.getAttribute('data-series'))).toBe(4);
    await page.getByLabel('Chart kind').selectOption('area');
    await expect.poll(() => chart.getAttribute('data-kind')).toBe('area');
    // The long query line and the chart fit the window: nothing widens the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
    await expect.poll(() => paintedPixels(page)).toBeGreaterThan(5_000);
    await screenshot(page, 'chart-area-series');
  });

  it('saves a chart with its query and reopens it after a reload', async () => {
    await runQuery(page, BY_STATUS);
    await page.getByLabel('Chart kind').selectOption('pie');
    await expect.poll(() => page.getByTestId('chart').getAttribute('data-kind')).toBe('pie');
    await page.getByRole('button', { name: 'Save chart…' }).click();
    await page.getByLabel('Chart name').fill('Orders by status');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText('Saved as “Orders by status”').waitFor();

    const saved = await rpc.call('chart.list', {});
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ name: 'Orders by status', sql: BY_STATUS, spec: { kind: 'pie', x: 'status', y: ['orders'] } });

    await page.reload();
    await page.getByRole('button', { name: 'Charts', exact: true }).click();
    await page.getByRole('button', { name: 'Open chart Orders by status' }).click();
    const chart = page.getByTestId('chart');
    await expect.poll(() => chart.getAttribute('data-kind')).toBe('pie');
    await expect.poll(() => chart.getAttribute('data-drawn')).toBe('4');
    expect(await page.locator('.cm-content').textContent()).toContain(BY_STATUS);
    await page.getByRole('tab', { name: /Orders by status/, selected: true }).waitFor();
    await expect.poll(() => paintedPixels(page)).toBeGreaterThan(2_000);
    await screenshot(page, 'chart-pie-saved');

    await page.getByRole('button', { name: 'Charts', exact: true }).click();
    await page.getByRole('button', { name: 'Delete chart Orders by status' }).click();
    await page.getByText('No saved charts yet.').waitFor();
    expect(await rpc.call('chart.list', {})).toEqual([]);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
