/**
 * The ER diagram, in Chromium on the bundled sample (SQLite): every table of the schema and every foreign key as
 * an edge (checked against metadata.listSchemas over the real RPC), the filter to a table and its neighbours N
 * hops out, a table's structure and "Open rows", and the SVG and PNG exports (their contents checked).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaInfo, SchemaMetadata } from '../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { connectWs } from '../helpers/clients.js';
import { openUi, screenshot } from './ui-page.js';

/** The tables `hops` FK steps from `focus` in either direction, computed here from the metadata alone. */
function neighboursOf(schema: SchemaInfo, focus: string, hops: number): string[] {
  const links = schema.tables.flatMap((t) => t.foreignKeys.map((fk) => [t.name, fk.referencedTable] as const));
  let reached = new Set([focus]);
  for (let i = 0; i < hops; i++) {
    const next = new Set(reached);
    for (const [a, b] of links) {
      if (reached.has(a)) next.add(b);
      if (reached.has(b)) next.add(a);
    }
    reached = next;
  }
  return [...reached].sort();
}

async function drawnTables(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="er-canvas"] [data-table]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-table')!))).sort();
}

async function drawnEdges(page: Page): Promise<string[]> {
  return (
    await page.locator('[data-testid="er-canvas"] path[data-edge]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')}->${n.getAttribute('data-to')}`))
  ).sort();
}

describe.skipIf(!browserAvailable())('the ER diagram of the sample database', { timeout: 120_000 }, () => {
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let schema: SchemaInfo;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true });
    const rpc = await connectWs(bridge.ready.url, bridge.token);
    const connections = await rpc.call('connection.list', {});
    const sample = connections.find((c) => c.name.startsWith('Sample'))!;
    const metadata: SchemaMetadata = await rpc.call('metadata.listSchemas', { connectionId: sample.id });
    schema = metadata.schemas[0]!;
    await rpc.close();
    browser = await launchChromium();
    ({ page, errors } = await openUi(browser, bridge.ready.ui!));
    await page.getByRole('listbox', { name: 'Saved connections' }).getByRole('button', { name: /Sample \(SQLite\)/ }).click();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await page.screenshot({ path: `/tmp/dbv-ui-failure-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}.png` });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('draws every table and every foreign key of the schema, laid out by the worker', async () => {
    expect(schema.tables.length).toBeGreaterThanOrEqual(4);
    await page.getByRole('button', { name: `ER diagram of ${schema.name}` }).click();
    const status = page.getByTestId('diagram-status');
    await status.getByText(/tables, \d+ foreign keys/).waitFor({ timeout: 30_000 });

    expect(await drawnTables(page)).toEqual(schema.tables.map((t) => t.name).sort());
    const expectedEdges = schema.tables.flatMap((t) => t.foreignKeys.map((fk) => `${t.name}.${fk.columns[0]}->${fk.referencedTable}.${fk.referencedColumns[0]}`)).sort();
    expect(expectedEdges.length).toBeGreaterThanOrEqual(3);
    expect(await drawnEdges(page)).toEqual(expectedEdges);
    expect(await status.textContent()).toContain(`${schema.tables.length} tables, ${expectedEdges.length} foreign keys`);
    // Keys are marked: the PK and FK columns of order_items.
    const orderItems = page.locator('[data-table="order_items"]');
    expect(await orderItems.locator('.er-key.pk').allTextContents()).toContain('PK');
    expect(await orderItems.locator('.er-key').allTextContents()).toContain('FK');
    // Every edge is an orthogonal route: each segment horizontal or vertical.
    const routes = await page.locator('path[data-edge]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('d')!));
    for (const d of routes) {
      const points = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
      expect(points.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < points.length; i++) {
        const [x0, y0] = points[i - 1]!;
        const [x1, y1] = points[i]!;
        expect(Math.abs(x0 - x1) < 0.5 || Math.abs(y0 - y1) < 0.5, `segment ${i} of ${d}`).toBe(true);
      }
    }
    await screenshot(page, 'er-diagram');
  });

  it('filters to a table and its neighbours N hops out', async () => {
    await page.getByLabel('Focus table').selectOption('customers');
    await page.getByLabel('Neighbour hops').fill('1');
    await page.getByTestId('diagram-status').getByText(`${neighboursOf(schema, 'customers', 1).length} tables,`).waitFor();
    expect(await drawnTables(page)).toEqual(neighboursOf(schema, 'customers', 1));
    expect(await drawnTables(page)).not.toContain('products');

    await page.getByLabel('Neighbour hops').fill('2');
    const twoHops = neighboursOf(schema, 'customers', 2);
    expect(twoHops.length).toBeGreaterThan(neighboursOf(schema, 'customers', 1).length);
    await page.getByTestId('diagram-status').getByText(`${twoHops.length} tables,`).waitFor();
    expect(await drawnTables(page)).toEqual(twoHops);
    await screenshot(page, 'er-diagram-filtered');

    await page.getByLabel('Focus table').selectOption('');
    await page.getByTestId('diagram-status').getByText(`${schema.tables.length} tables,`).waitFor();
    expect(await drawnTables(page)).toHaveLength(schema.tables.length);
  });

  it('exports the diagram as SVG and PNG', async () => {
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(svgDownload.suggestedFilename()).toMatch(/\.svg$/);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const table of schema.tables) expect(svg).toContain(`>${table.name}</text>`);
    for (const column of schema.tables.find((t) => t.name === 'orders')!.columns) expect(svg).toContain(`>${column.name}</text>`);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(schema.tables.reduce((n, t) => n + t.foreignKeys.length, 0));

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    expect(pngDownload.suggestedFilename()).toMatch(/\.png$/);
    const png = readFileSync((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
    // IHDR: width and height, big-endian, at bytes 16..24: the diagram at twice its size.
    expect(png.readUInt32BE(16)).toBeGreaterThan(400);
    expect(png.readUInt32BE(20)).toBeGreaterThan(200);
  });

  it('shows a table’s structure on click and opens its rows from there', async () => {
    await page.locator('[data-table="orders"] .er-title').click();
    const details = page.getByRole('complementary', { name: 'Structure of orders' });
    await details.waitFor();
    expect(await details.locator('.column-name').allTextContents()).toEqual(schema.tables.find((t) => t.name === 'orders')!.columns.map((c) => c.name));
    await details.getByRole('button', { name: 'Open rows' }).click();
    // The row limit may pause the run: either way the rows are in the grid.
    await page.getByTestId('run-status').getByText(/rows (in|loaded)/).waitFor();
    expect(await page.locator('.grid-colhead .col-name').first().textContent()).toBe('id');
    expect(await page.getByTestId('er-canvas').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
