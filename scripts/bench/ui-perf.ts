/**
 * `npm run bench:ui`: the renderer's figures from issue 13, measured in Debian's Chromium against the built bridge.
 *
 * - first rows visible after Run on the sample (SQLite, `select * from orders limit 1000`), in-page: from the Run
 *   click to the animation frame in which the first grid row is in the DOM;
 * - 1M PostgreSQL rows streamed into the grid (row limit "No limit"): every main-thread long task
 *   (PerformanceObserver 'longtask') and the longest gap between animation frames while the grid is scrolled every
 *   100 ms, the time until the last row is shown (count final, grid scrolled to the end, row 1,000,000 in the DOM),
 *   against a bare WebSocket client (scripts/bench/rpc-client.ts) running the same query with the same options —
 *   run in pairs (bare, then UI), so both sides of each pair see the same machine, and reported as the ratio of the
 *   medians and each pair's ratio;
 * - where the CPU goes in each run: the bridge process (its worker threads included), and in the UI runs Chromium's
 *   processes by type (CDP SystemInfo.getProcessInfo) — on two cores every millisecond the page's side spends is one
 *   the bridge and PostgreSQL wait for;
 * - the page's JS heap (CDP Runtime.getHeapUsage) after the 1M rows are in, and after a forced GC; the page's bridge
 *   worker's JS heap (ui/src/bridge/bridge-socket.worker.ts); and the renderer process's RSS. The worker keeps the
 *   grid's rows as the text of their batches, and Blink holds a WebSocket message's text outside the V8 heap: the rows
 *   show in the renderer's RSS, not in the worker's heap.
 *
 * The measured pages are driven over a DevTools session of the benchmark's own, not as Playwright pages: Playwright
 * watches every page's and worker's network, which copies each WebSocket frame to its process and, on two cores, cost
 * the UI runs more than the page's own work did (uninstrumented-page.ts). Playwright only launches Chromium here.
 *
 * With `--profile FILE` the page's main thread is CPU-profiled (CDP Profiler) over the first 1M-row run; the profile
 * is written to FILE (open it in Chrome DevTools) and its largest self times are printed.
 *
 * With `--trace` the first 1M-row run is also traced (CDP Tracing, category `toplevel`): every main-thread task with
 * its wall time and its thread CPU time. On a loaded machine a long task's wall time is mostly the renderer waiting
 * for a core; its CPU time is the page's own work, whatever the load.
 *
 *   node dist/scripts/bench/ui-perf.js [--rows N] [--reps N] [--profile FILE] [--trace]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { installLongTaskObserver, launchBenchChromium } from './bench-browser.js';
import { startBridge } from './bridge-process.js';
import { cpuTimeMs, currentRss } from './measure.js';
import { postgresTarget } from './datasets.js';
import { RpcClient } from './rpc-client.js';
import { UninstrumentedPage } from './uninstrumented-page.js';

// The functions given to page.evaluate / addInitScript run in the page. The bridge's tsconfig has no DOM library (and
// must not get one), so the few browser globals they touch are declared here, module-scoped.
interface PageElement {
  textContent: string | null;
  scrollTop: number;
  scrollHeight: number;
  disabled?: boolean;
  click(): void;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare const window: unknown;
declare const localStorage: { setItem(key: string, value: string): void };
declare function requestAnimationFrame(callback: () => void): number;

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, reps: { type: 'string', default: '3' }, profile: { type: 'string' }, trace: { type: 'boolean', default: false } } });
const ROWS = Number(values.rows);
const REPS = Number(values.reps);
const BIG_SQL = postgresTarget().streamingQuery(ROWS);
const RUN_OPTS = { batchSize: 1000, rowFormat: 'array' };
const SAMPLE_SQL = 'select * from orders limit 1000';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x);

/** Opens the UI in a fresh page (see uninstrumented-page.ts) with one tab holding `sql` on the connection. */
async function openTab(browser: Browser, url: string, connectionId: string, sql: string): Promise<UninstrumentedPage> {
  const page = await UninstrumentedPage.open(browser, { width: 1400, height: 860 });
  await page.addInitScript(
    ([id, text]) => {
      localStorage.setItem('dbv.tabs', JSON.stringify({ tabs: [{ id: 'bench', title: 'Bench', connectionId: id, sql: text }], activeId: 'bench' }));
      localStorage.setItem('dbv.resultSettings', JSON.stringify({ rowLimit: 0 }));
    },
    [connectionId, sql],
  );
  await page.addInitScript(installLongTaskObserver, undefined);
  await page.goto(url);
  await page.waitFor(
    (text) =>
      Array.from(document.querySelectorAll('button')).some((b) => b.textContent === '▶ Run' && !b.disabled) &&
      (document.querySelector('.cm-content')?.textContent ?? '').includes(text),
    sql.slice(0, 20),
  );
  return page;
}

/** Clicks Run and resolves with the ms until the first grid row is in the DOM at an animation frame. */
function firstRowsMs(page: UninstrumentedPage): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const run = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === '▶ Run')!;
        const clicked = performance.now();
        run.click();
        const check = () => (document.querySelector('.grid-row') ? resolve(performance.now() - clicked) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
    undefined,
  );
}

interface StreamFigures {
  lastRowMs: number;
  doneMs: number;
  longTasks: number;
  maxLongTaskMs: number;
  maxFrameGapMs: number;
  scrolls: number;
}

/** Clicks Run on the big query, scrolls the grid every 100 ms while rows stream, then shows the last row. */
function streamIntoGrid(page: UninstrumentedPage, rows: number): Promise<StreamFigures> {
  return page.evaluate(
    (expected) =>
      new Promise<StreamFigures>((resolve) => {
        const w = window as unknown as { __longtasks: Array<{ start: number; duration: number }> };
        const status = () => document.querySelector('[data-testid="run-status"]')?.textContent ?? '';
        const final = `${expected.toLocaleString('en-US')} rows in`;
        const run = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === '▶ Run')!;
        const clicked = performance.now();
        let lastFrame = clicked;
        let maxGap = 0;
        let scrolls = 0;
        let doneAt = 0;
        run.click();
        const scroller = setInterval(() => {
          const grid = document.querySelector('.grid');
          if (grid) {
            grid.scrollTop += 2_000;
            scrolls++;
          }
        }, 100);
        const frame = () => {
          const now = performance.now();
          maxGap = Math.max(maxGap, now - lastFrame);
          lastFrame = now;
          if (!doneAt && status().startsWith(final)) {
            doneAt = now;
            clearInterval(scroller);
            const grid = document.querySelector('.grid')!;
            grid.scrollTop = grid.scrollHeight;
          }
          // The last row counts as visible once its first cell shows its value (g = its row number).
          if (doneAt && document.querySelector(`.grid-row[aria-rowindex="${expected + 1}"] .grid-cell`)?.textContent === String(expected)) {
            const tasks = w.__longtasks.filter((t) => t.start >= clicked);
            resolve({
              lastRowMs: now - clicked,
              doneMs: doneAt - clicked,
              longTasks: tasks.length,
              maxLongTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
              maxFrameGapMs: maxGap,
              scrolls,
            });
            return;
          }
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    rows,
  );
}

interface TraceFigures {
  tasks: number;
  overWall: number;
  overCpu: number;
  maxWallMs: number;
  maxCpuMs: number;
  cpuMs: number;
  runMs: number;
}

/** The renderer main thread's tasks (RunTask: `dur` wall, `tdur` thread CPU time, µs) in the traced run's window. */
function summarizeTrace(buffer: Buffer, run: StreamFigures): TraceFigures {
  type TraceEvent = { ph: string; name: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string } };
  const { traceEvents } = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] };
  // Every renderer has a CrRendererMain (the closed sample page's, a spare one): the page's is the busiest.
  const mains = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of traceEvents) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !mains.has(thread) || (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')) continue;
    let list = byThread.get(thread);
    if (!list) byThread.set(thread, (list = []));
    list.push(e);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  // Both names wrap the same task where both are recorded: keep one.
  const tasks = busiest.some((e) => e.name === 'RunTask') ? busiest.filter((e) => e.name === 'RunTask') : busiest;
  // The run's window: the last lastRowMs of the trace (the trace stops right after the run).
  const end = Math.max(...tasks.map((e) => e.ts + (e.dur ?? 0)));
  const inRun = tasks.filter((e) => e.ts >= end - run.lastRowMs * 1000);
  const wall = inRun.map((e) => (e.dur ?? 0) / 1000);
  const cpu = inRun.map((e) => (e.tdur ?? 0) / 1000);
  return {
    tasks: inRun.length,
    overWall: wall.filter((ms) => ms > 50).length,
    overCpu: cpu.filter((ms) => ms > 50).length,
    maxWallMs: Math.max(0, ...wall),
    maxCpuMs: Math.max(0, ...cpu),
    cpuMs: cpu.reduce((a, b) => a + b, 0),
    runMs: run.lastRowMs,
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (top 15) and the share of idle, GC and native '(program)' time. */
function printProfileSummary(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    self.set(name, (self.get(name) ?? 0) + ms);
  });
  console.log(`CPU profile of the page's main thread over the first run: ${Math.round(total)} ms sampled; largest self times:`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${Math.round(ms).toString().padStart(6)} ms  ${name}`);
}

interface ChromiumProcess {
  type: string;
  id: number;
}

/** Chromium's processes (browser, renderer, gpu, utility…) with their pids. */
async function chromiumProcesses(browser: Browser): Promise<ChromiumProcess[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: ChromiumProcess[] };
    return processInfo;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** CPU ms per Chromium process type since `before` (a snapshot of processCpuMs by pid). */
function cpuByType(processes: ChromiumProcess[], before: Map<number, number>): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const p of processes) byType[p.type] = (byType[p.type] ?? 0) + cpuTimeMs(p.id) - (before.get(p.id) ?? 0);
  return byType;
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const bridge = await startBridge({ ui: true });
  const browser = await launchBenchChromium();
  try {
    const rpc = await RpcClient.connect(bridge.url, bridge.token);
    const connections = await rpc.call<Array<{ id: string; name: string }>>('connection.list');
    const sample = connections.find((c) => c.name.startsWith('Sample'))!;
    const pg = await rpc.call<{ id: string }>('connection.create', { config: postgresTarget().config });

    // Bare WebSocket client: the same query and options, no rendering; its runs alternate with the UI's below.
    const { sessionId } = await rpc.call<{ sessionId: string }>('query.createSession', { connectionId: pg.id });
    const bare: number[] = [];
    const bareBridgeCpu: number[] = [];
    const bareClientCpu: number[] = [];

    // First rows on the sample.
    const samplePage = await openTab(browser, bridge.uiUrl!, sample.id, SAMPLE_SQL);
    const first: number[] = [];
    for (let i = 0; i < 7; i++) {
      first.push(await firstRowsMs(samplePage));
      await samplePage.waitFor(() => (document.querySelector('[data-testid="run-status"]')?.textContent ?? '').startsWith('1,000 rows in'), undefined);
    }
    await samplePage.close();

    // 1M rows into the grid.
    const page = await openTab(browser, bridge.uiUrl!, pg.id, BIG_SQL);
    const streams: StreamFigures[] = [];
    const uiBridgeCpu: number[] = [];
    const uiChromiumCpu: Array<Record<string, number>> = [];
    let mainThreadTasks: TraceFigures | undefined;
    const processes = await chromiumProcesses(browser);
    const renderers = processes.filter((p) => p.type === 'renderer');
    const rendererRssBefore = Math.max(...renderers.map((p) => (currentRss(p.id) ?? 0) / 1024 / 1024));
    for (let i = 0; i < REPS; i++) {
      const bridgeBefore = cpuTimeMs(bridge.pid);
      const clientBefore = process.cpuUsage();
      bare.push((await rpc.runQuery(sessionId, BIG_SQL, RUN_OPTS)).totalMs);
      const client = process.cpuUsage(clientBefore);
      bareClientCpu.push((client.user + client.system) / 1000);
      bareBridgeCpu.push(cpuTimeMs(bridge.pid) - bridgeBefore);
      const uiBridgeBefore = cpuTimeMs(bridge.pid);
      const chromiumBefore = new Map(processes.map((p) => [p.id, cpuTimeMs(p.id)]));

      const profiling = i === 0 && values.profile !== undefined;
      if (profiling) {
        await page.send('Profiler.enable');
        await page.send('Profiler.setSamplingInterval', { interval: 500 });
        await page.send('Profiler.start');
      }
      const tracing = i === 0 && values.trace === true;
      if (tracing) await browser.startTracing(undefined, { categories: ['toplevel'] });
      streams.push(await streamIntoGrid(page, ROWS));
      uiBridgeCpu.push(cpuTimeMs(bridge.pid) - uiBridgeBefore);
      uiChromiumCpu.push(cpuByType(processes, chromiumBefore));
      if (tracing) mainThreadTasks = summarizeTrace(await browser.stopTracing(), streams[0]);
      if (profiling) {
        const { profile } = await page.send<{ profile: CpuProfile }>('Profiler.stop');
        writeFileSync(values.profile!, JSON.stringify(profile));
        printProfileSummary(profile);
      }
    }
    const heap = await page.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    await page.send('HeapProfiler.collectGarbage');
    const heapAfterGc = await page.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    const workerHeap = await page.sendToWorker<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    const rendererRssAfter = Math.max(...renderers.map((p) => (currentRss(p.id) ?? 0) / 1024 / 1024));

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
    const lastUi = median(streams.map((s) => s.lastRowMs));
    const bareMedian = median(bare);
    console.log(`UI benchmark — ${new Date().toISOString()}, ${cpus().length} cores, load average before: ${load}, bridge: ${bridge.entry}`);
    console.log(`| figure | value | target |`);
    console.log(`|---|---|---|`);
    console.log(`| first rows visible after Run, sample, median of ${first.length} (all: ${first.map(round).join(', ')}) | ${round(median(first))} ms | ≤ 100 ms |`);
    console.log(`| ${ROWS.toLocaleString('en-US')} rows: last row visible in the grid, median of ${REPS} (all: ${streams.map((s) => round(s.lastRowMs)).join(', ')}) | ${round(lastUi)} ms | |`);
    console.log(`| same run, bare WebSocket client to query.done, median of ${REPS} (all: ${bare.map(round).join(', ')}; each run just before the UI's) | ${round(bareMedian)} ms | |`);
    console.log(`| UI / bare, ratio of the medians (each pair: ${streams.map((s, i) => (s.lastRowMs / bare[i]!).toFixed(2)).join(', ')}) | ${(lastUi / bareMedian).toFixed(2)}× | ≤ 1.3× |`);
    const types = [...new Set(uiChromiumCpu.flatMap((c) => Object.keys(c)))].sort();
    const chromiumTotal = uiChromiumCpu.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
    console.log(`| CPU per bare run, median: bridge / bare client | ${round(median(bareBridgeCpu))} / ${round(median(bareClientCpu))} ms | |`);
    console.log(`| CPU per UI run, median: bridge / Chromium (${types.map((t) => `${t} ${round(median(uiChromiumCpu.map((c) => c[t] ?? 0)))}`).join(', ')}) | ${round(median(uiBridgeCpu))} / ${round(median(chromiumTotal))} ms | |`);
    console.log(`| long tasks during the runs (count per run) | ${streams.map((s) => s.longTasks).join(', ')} | |`);
    console.log(`| longest main-thread task during the runs | ${round(Math.max(...streams.map((s) => s.maxLongTaskMs)))} ms | ≤ 100 ms (target 50) |`);
    console.log(`| longest gap between animation frames while scrolling every 100 ms (scrolls per run: ${streams.map((s) => s.scrolls).join(', ')}) | ${round(Math.max(...streams.map((s) => s.maxFrameGapMs)))} ms | |`);
    console.log(`| page JS heap after ${ROWS.toLocaleString('en-US')} rows in the grid: used / total; used after GC | ${mb(heap.usedSize)} / ${mb(heap.totalSize)}; ${mb(heapAfterGc.usedSize)} | |`);
    console.log(`| bridge worker JS heap: used / total${workerHeap ? '' : ' (no worker found)'} | ${workerHeap ? `${mb(workerHeap.usedSize)} / ${mb(workerHeap.totalSize)}` : '—'} | |`);
    console.log(`| renderer process RSS (page, bridge worker and the rows' text): before the runs / after | ${rendererRssBefore.toFixed(0)} / ${rendererRssAfter.toFixed(0)} MiB | |`);
    if (mainThreadTasks) {
      const t = mainThreadTasks;
      console.log(`| traced run: main-thread tasks during the run, over 50 ms by wall time / by CPU time | ${t.overWall} / ${t.overCpu} (of ${t.tasks}) | |`);
      console.log(`| traced run: longest main-thread task, wall time / CPU time | ${round(t.maxWallMs)} ms / ${round(t.maxCpuMs)} ms | ≤ 100 ms (target 50) |`);
      console.log(`| traced run: main-thread CPU time in tasks / the run's wall time | ${round(t.cpuMs)} ms / ${round(t.runMs)} ms | |`);
    }
    rpc.close();
  } finally {
    await browser.close();
    await bridge.stop();
  }
}

await main();
