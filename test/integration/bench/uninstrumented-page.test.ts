/**
 * The UI benchmark's page (scripts/bench/uninstrumented-page.ts) in Debian's Chromium: Playwright does not attach to
 * it — so nothing enables DevTools' Network domain on it or its worker, the reason it exists — and it still does what
 * the benchmark needs: init scripts before the page's own, evaluation, waiting, and a command to its dedicated worker.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UninstrumentedPage } from '../../../scripts/bench/uninstrumented-page.js';
import { browserAvailable, launchChromium } from '../../helpers/browser.js';

// Functions given to evaluate/waitFor run in the page; the test's tsconfig has no DOM library.
declare const document: { title: string };
declare const localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const window: { seenByPage?: string | null; started?: boolean };

const PAGE = `<!doctype html><title>probe</title><script>
  window.seenByPage = localStorage.getItem('probe');
  new Worker('/worker.js');
  setTimeout(() => { window.started = true; }, 200);
</script>`;
const WORKER = `self.workerOnly = 'in the worker';`;

describe.skipIf(!browserAvailable())('the benchmark page without Playwright', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const worker = request.url === '/worker.js';
      response.writeHead(200, { 'content-type': worker ? 'text/javascript' : 'text/html' });
      response.end(worker ? WORKER : PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs init scripts first, evaluates, waits, and reaches its worker, with no Playwright page behind it', async () => {
    const page = await UninstrumentedPage.open(browser, { width: 800, height: 600 });
    try {
      await page.addInitScript((value) => localStorage.setItem('probe', value), 'set before the page ran');
      await page.goto(url);
      await page.waitFor(() => window.started === true, undefined);

      expect(await page.evaluate((suffix) => document.title + suffix, '!')).toBe('probe!');
      expect(await page.evaluate(() => window.seenByPage, undefined)).toBe('set before the page ran');
      const inWorker = await page.sendToWorker<{ result: { value: string } }>('Runtime.evaluate', { expression: 'self.workerOnly', returnByValue: true });
      expect(inWorker?.result.value).toBe('in the worker');
      // Playwright detached from the page's target: it has no page, so it enabled nothing on it or on its worker.
      expect(browser.contexts().flatMap((context) => context.pages())).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fails a wait that never comes true, naming what it waited for', async () => {
    const page = await UninstrumentedPage.open(browser, { width: 800, height: 600 });
    try {
      await page.goto(url);
      await expect(page.waitFor(() => document.title === 'never', undefined, 300)).rejects.toThrow(/timed out waiting for .*never/);
    } finally {
      await page.close();
    }
  });
});
