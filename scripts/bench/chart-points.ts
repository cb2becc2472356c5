/**
 * `npm run bench:chart`: a chart of 1,000,000 points in Debian's Chromium against the built bridge (docs/benchmarks.md
 * "Charts of a million points"). A generated SQLite table of N rows (a timestamp and a random walk) is streamed into
 * the grid with no row limit; then, timed: the Chart toggle until the line is drawn (rows read in slices, LTTB down
 * to 2,000 points), and 12 wheel zooms, each re-sampled from all the rows. Every main-thread long task from the toggle
 * on is recorded (PerformanceObserver 'longtask'). Target: no task over 100 ms, i.e. the chart stays interactive.
 *
 *   node dist/scripts/bench/chart-points.js [--rows N] [--profile]
 *
 * `--profile`: a CPU profile of the page's main thread from the toggle to the end of zooming, summarized as the
 * functions with the most self time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installLongTaskObserver, launchBenchChromium, longTasksSince } from './bench-browser.js';
import { startBridge } from './bridge-process.js';
import { topSelfTime } from './profile-summary.js';
import { RpcClient } from './rpc-client.js';

declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
declare const localStorage: { setItem(key: string, value: string): void };
declare function requestAnimationFrame(callback: () => void): number;

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, profile: { type: 'boolean', default: false } } });
const ROWS = Number(values.rows);
const SQL = 'select at, walk from points order by at';

function generate(file: string): void {
  const db = new Database(file);
  db.exec('create table points (at text not null, walk real not null)');
  const insert = db.prepare('insert into points values (?, ?)');
  let walk = 0;
  let seed = 7;
  const start = Date.UTC(2020, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      walk += seed / 2 ** 31 - 0.5;
      insert.run(new Date(start + i * 60_000).toISOString(), walk);
    }
  })();
  db.close();
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const dir = mkdtempSync(join(tmpdir(), 'dbv_visual_points-'));
  const file = join(dir, 'points.db');
  generate(file);
  const bridge = await startBridge({ ui: true });
  const browser = await launchBenchChromium();
  try {
    const rpc = await RpcClient.connect(bridge.url, bridge.token);
    const connection = await rpc.call<{ id: string }>('connection.create', { config: { name: 'Points', type: 'sqlite', database: file } });
    rpc.close();
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    await page.addInitScript(
      ([id, sql]) => {
        localStorage.setItem('dbv.tabs', JSON.stringify({ tabs: [{ id: 'bench', title: 'Bench', connectionId: id, sql }], activeId: 'bench' }));
        localStorage.setItem('dbv.resultSettings', JSON.stringify({ rowLimit: 0 }));
      },
      [connection.id, SQL] as const,
    );
    await page.addInitScript(installLongTaskObserver);
    await page.goto(bridge.uiUrl!);
    await page.locator('.cm-content').getByText('select at').waitFor();
    await page.locator('button:has-text("Run all")').click();
    await page.locator('[data-testid="run-status"]').getByText(`${ROWS.toLocaleString('en-US')} rows in`).waitFor({ timeout: 600_000 });

    const cdp = values.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // CSS locators only (role queries run in the page and would be long tasks of their own).
    const toggled = await page.evaluate(() => performance.now());
    await page.locator('.results-bar button[aria-pressed]').click();
    const drawnAt = await page.evaluate(
      (rows) =>
        new Promise<number>((resolve) => {
          const check = () => {
            const chart = document.querySelector('[data-testid="chart"]');
            if (chart?.getAttribute('data-values') === String(rows) && Number(chart.getAttribute('data-drawn')) > 0) resolve(performance.now());
            else requestAnimationFrame(check);
          };
          check();
        }),
      ROWS,
    );
    const drawn = Number(await page.locator('[data-testid="chart"]').getAttribute('data-drawn'));
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const zoomFrom = await page.evaluate(() => performance.now());
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(500);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Parameters<typeof topSelfTime>[0] };
      console.log('Main thread, toggle → end of zooming, most self time:');
      for (const { name, ms, share } of topSelfTime(profile, 20)) console.log(`${ms.toFixed(0).padStart(8)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
    }
    const zoomedDrawn = Number(await page.locator('[data-testid="chart"]').getAttribute('data-drawn'));
    const tasks = await longTasksSince(page);
    const round = (xs: number[]) => xs.map((x) => Math.round(x)).join(' ') || 'none';
    const drawing = tasks.filter((t) => t.start >= toggled && t.start < drawnAt).map((t) => t.duration);
    const zooming = tasks.filter((t) => t.start >= zoomFrom).map((t) => t.duration);

    console.log(`Chart benchmark — ${new Date().toISOString()}, ${cpus().length} cores, load average before: ${load}, bridge: ${bridge.entry}`);
    console.log(`| figure | value | target |`);
    console.log(`|---|---|---|`);
    console.log(`| rows (timestamp, number) in the result | ${ROWS.toLocaleString('en-US')} | |`);
    console.log(`| Chart toggle → line drawn | ${Math.round(drawnAt - toggled)} ms | |`);
    console.log(`| points handed to ECharts: whole range; after 12 zoom steps (re-sampled from all rows) | ${drawn}; ${zoomedDrawn} | ≤ 2,000 |`);
    console.log(`| main-thread long tasks, toggle → drawn, ms | ${round(drawing)} | |`);
    console.log(`| main-thread long tasks while zooming, ms | ${round(zooming)} | |`);
    console.log(`| longest main-thread task from the toggle on | ${Math.round(Math.max(0, ...drawing, ...zooming))} ms | ≤ 100 ms |`);
    await context.close();
  } finally {
    await browser.close();
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
