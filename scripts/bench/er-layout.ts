/**
 * `npm run bench:er`: the ER diagram of a generated schema of 300 tables and 400 foreign keys (a SQLite file), opened
 * in Debian's Chromium against the built bridge (docs/benchmarks.md "ER diagram layout"). Per repetition: the time
 * from the Diagram click until the diagram is drawn, the time ELK spent in the layout worker, and every main-thread
 * long task (PerformanceObserver 'longtask') from the click through drawing and then through zooming (wheel) and
 * panning (drag) the drawn diagram. Target: no main-thread task over 100 ms.
 *
 *   node dist/scripts/bench/er-layout.js [--tables N] [--fks N] [--reps N] [--profile]
 *
 * `--profile`: a CPU profile of the page's main thread over the first repetition, summarized as the functions with
 * the most self time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { installLongTaskObserver, launchBenchChromium, longTasksSince } from './bench-browser.js';
import { REPO_ROOT, startBridge } from './bridge-process.js';
import { topSelfTime } from './profile-summary.js';
import { RpcClient } from './rpc-client.js';

// page.evaluate / addInitScript functions run in the page; the bridge's tsconfig has no DOM library.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const localStorage: { setItem(key: string, value: string): void };
declare function requestAnimationFrame(callback: () => void): number;

const { values } = parseArgs({
  options: { tables: { type: 'string', default: '300' }, fks: { type: 'string', default: '400' }, reps: { type: 'string', default: '3' }, profile: { type: 'boolean', default: false } },
});
const TABLES = Number(values.tables);
const FKS = Number(values.fks);
const REPS = Number(values.reps);

/**
 * Tables t001… with 3–12 columns; foreign keys mostly to a few "hub" tables and to recent tables, like a real
 * application schema (a deterministic generator: the same schema every run).
 */
function generateSchema(file: string): void {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const name = (i: number) => `t${String(i + 1).padStart(3, '0')}_${['account', 'order', 'item', 'event', 'invoice', 'user', 'product', 'audit'][i % 8]}`;
  const fksOf: number[][] = Array.from({ length: TABLES }, () => []);
  for (let k = 0; k < FKS; k++) {
    // Every table after the first gets one parent before any gets a second.
    const child = k < TABLES - 1 ? k + 1 : 1 + Math.floor(random() * (TABLES - 1));
    const parent = random() < 0.3 ? Math.floor(random() * Math.min(10, child)) : Math.max(0, child - 1 - Math.floor(random() * 25));
    fksOf[child]!.push(parent);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    for (let i = 0; i < TABLES; i++) {
      const columns = ['id integer primary key'];
      fksOf[i]!.forEach((parent, j) => columns.push(`${name(parent)}_${j}_id integer references ${name(parent)}(id)`));
      const plain = 2 + Math.floor(random() * 8);
      for (let c = 0; c < plain; c++) columns.push(`${['name', 'status', 'amount', 'created_at', 'note', 'code', 'total', 'flag'][c % 8]}_${c} ${['text', 'text', 'numeric(12,2)', 'text', 'text', 'varchar(20)', 'real', 'integer'][c % 8]}`);
      db.exec(`create table ${name(i)} (${columns.join(', ')})`);
    }
  })();
  db.close();
}

interface Rep {
  drawnMs: number;
  elkMs: number;
  /** Long tasks until the diagram was drawn, and during the zooming and panning after. */
  drawing: number[];
  interacting: number[];
}

const statusSelector = '[data-testid="diagram-status"]';

async function openDiagram(page: Page, screenshot?: string): Promise<Rep> {
  // CSS locators only: Playwright's role queries compute accessible names in the page, on its main thread, and
  // would show up as long tasks of their own.
  const diagramButton = page.locator('button[aria-label="ER diagram of main"]');
  await diagramButton.waitFor();
  const clicked = await page.evaluate(() => performance.now());
  await diagramButton.click();
  const drawnAt = await page.evaluate(
    ([selector, tables]) =>
      new Promise<number>((resolve) => {
        const check = () => {
          const text = document.querySelector(selector)?.textContent ?? '';
          if (text.startsWith(`${tables} tables,`) && document.querySelector('[data-testid="er-canvas"] [data-table]')) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
    [statusSelector, TABLES] as const,
  );
  const status = (await page.locator(statusSelector).textContent()) ?? '';
  if (!status.includes(`${FKS} foreign keys`)) throw new Error(`The diagram does not show ${FKS} foreign keys: ${status}`);
  const elkMs = Number(/layout (\d+) ms/.exec(status)?.[1]);
  if (screenshot) await page.screenshot({ path: screenshot });
  // Interaction on the drawn diagram: zoom in step by step around the centre, pan, zoom out.
  const canvas = page.getByTestId('er-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -240);
  await page.mouse.down();
  for (let i = 0; i < 10; i++) await page.mouse.move(box.x + box.width / 2 - i * 40, box.y + box.height / 2 - i * 25);
  await page.mouse.up();
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 240);
  await page.waitForTimeout(300);
  const tasks = await longTasksSince(page, clicked);
  await page.locator('button[aria-label="Close diagram"]').click();
  const drawing = tasks.filter((t) => t.start < drawnAt).map((t) => t.duration);
  const interacting = tasks.filter((t) => t.start >= drawnAt).map((t) => t.duration);
  return { drawnMs: drawnAt - clicked, elkMs, drawing, interacting };
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const dir = mkdtempSync(join(tmpdir(), 'dbv_visual_er300-'));
  const file = join(dir, 'er300.db');
  generateSchema(file);
  const bridge = await startBridge({ ui: true });
  const browser = await launchBenchChromium();
  try {
    const rpc = await RpcClient.connect(bridge.url, bridge.token);
    const connection = await rpc.call<{ id: string }>('connection.create', { config: { name: 'ER 300', type: 'sqlite', database: file } });
    rpc.close();
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    await page.addInitScript((id) => {
      localStorage.setItem('dbv.tabs', JSON.stringify({ tabs: [{ id: 'bench', title: 'Bench', connectionId: id, sql: '' }], activeId: 'bench' }));
    }, connection.id);
    await page.addInitScript(installLongTaskObserver);
    await page.goto(bridge.uiUrl!);
    await page.locator('button[aria-label="ER diagram of main"]').waitFor({ timeout: 60_000 });
    // The noise floor: long tasks while the page does nothing for 5 s (a loaded machine makes even idle tasks long).
    const idleFrom = await page.evaluate(() => performance.now());
    await page.waitForTimeout(5_000);
    const idle = (await longTasksSince(page, idleFrom)).map((t) => t.duration);
    const reps: Rep[] = [];
    const cdp = values.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < REPS; i++) {
      reps.push(await openDiagram(page, i === 0 ? join(REPO_ROOT, 'docs/screenshots/er-diagram-300.png') : undefined));
      if (cdp && i === 0) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Parameters<typeof topSelfTime>[0] };
        console.log('Main thread, first repetition, most self time:');
        for (const { name, ms, share } of topSelfTime(profile, 20)) console.log(`${ms.toFixed(0).padStart(8)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
      }
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const round = (xs: number[]) => xs.map((x) => Math.round(x)).join(' ') || 'none';
    console.log(`ER layout benchmark — ${new Date().toISOString()}, ${cpus().length} cores, load average before: ${load}, bridge: ${bridge.entry}`);
    console.log(`| figure | value | target |`);
    console.log(`|---|---|---|`);
    console.log(`| schema | ${TABLES} tables, ${FKS} foreign keys (SQLite) | |`);
    console.log(`| Diagram click → diagram drawn, median of ${REPS} (all: ${reps.map((r) => Math.round(r.drawnMs)).join(', ')}) | ${Math.round(median(reps.map((r) => r.drawnMs)))} ms | |`);
    console.log(`| of which ELK in the worker, median (all: ${reps.map((r) => r.elkMs).join(', ')}) | ${median(reps.map((r) => r.elkMs))} ms | |`);
    console.log(`| main-thread long tasks (> 50 ms), click → drawn, ms, per run | ${reps.map((r) => round(r.drawing)).join('; ')} | |`);
    console.log(`| main-thread long tasks while zooming (24 wheel steps) and panning, ms, per run | ${reps.map((r) => round(r.interacting)).join('; ')} | |`);
    console.log(`| control: long tasks in 5 s of an idle page before the runs, ms | ${round(idle)} | |`);
    console.log(`| longest main-thread task | ${Math.round(Math.max(0, ...reps.flatMap((r) => [...r.drawing, ...r.interacting])))} ms | ≤ 100 ms |`);
    await context.close();
  } finally {
    await browser.close();
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
