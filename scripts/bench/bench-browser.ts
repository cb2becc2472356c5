/**
 * What the browser benchmarks (ui-perf, er-layout, chart-points) share: Debian's Chromium launched as the tests
 * launch it, and the page's long tasks collected from its first script on (PerformanceObserver 'longtask').
 */
import { chromium, type Browser, type Page } from 'playwright-core';

// The scripts are compiled without the DOM library (the supervisor's code must not get one): the page global the
// observer touches is declared here, module-scoped, as in ui-perf.ts.
declare const window: unknown;

export interface LongTask {
  start: number;
  duration: number;
}

export function launchBenchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Installed before the page's own scripts (page.addInitScript): collects long tasks from the start. */
export function installLongTaskObserver(): void {
  const w = window as unknown as { __longtasks: LongTask[] };
  w.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__longtasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask' as 'mark', buffered: true });
}

/** The long tasks that started at or after `from` (the page's clock, performance.now()). */
export function longTasksSince(page: Page, from = 0): Promise<LongTask[]> {
  return page.evaluate((since) => (window as unknown as { __longtasks: LongTask[] }).__longtasks.filter((t) => t.start >= since), from);
}
