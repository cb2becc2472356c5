/**
 * The renderer as the desktop app runs it, in Debian's Chromium (the Electron binary cannot be downloaded here): the
 * built UI under the desktop CSP (ui/electron/app-protocol.ts, served from ui/dist as app://dbv would serve it), with
 * `window.dbvDesktop` as the preload gives it, talking over a real page MessagePort to the built supervisor in a
 * simulated utilityProcess (`--parent-port --no-listen`). The page's port end is relayed to that process through
 * Playwright, where Electron would carry it between processes itself.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkSimulatedUtilityProcess, type RendererPort, type SimulatedUtilityProcess } from '../../scripts/utility-process/simulated-utility-process.js';
import { APP_RESPONSE_HEADERS, resolveAppFile } from '../../ui/electron/app-protocol.js';
import { REPO_ROOT } from '../helpers/bridge-process.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { newUiPage, screenshot, setEditorText } from './ui-page.js';

const ORIGIN = 'http://dbv.desktop';

/** The preload's API, as contextBridge exposes it; the port arrives by window.postMessage as the preload sends it. */
const FAKE_PRELOAD = `
  window.dbvDesktop = Object.freeze({
    requestPort: () => window.__dbvRequestPort(),
    onBridgeState: () => () => undefined,
  });
  window.__dbvHandOverPort = () => {
    const channel = new MessageChannel();
    channel.port2.onmessage = (event) => window.__dbvToBridge(event.data);
    window.__dbvBridgeEnd = channel.port2;
    window.postMessage({ type: 'dbv:bridge-port' }, '*', [channel.port1]);
  };
`;

describe.skipIf(!browserAvailable())('the renderer in desktop mode (MessagePort, desktop CSP)', { timeout: 90_000 }, () => {
  let dataDir: string;
  let utility: SimulatedUtilityProcess;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dbv-desktop-ui-'));
    utility = forkSimulatedUtilityProcess({
      entry: join(REPO_ROOT, 'dist/supervisor/main.js'),
      harness: join(REPO_ROOT, 'dist/scripts/utility-process/harness.js'),
      args: ['--parent-port', '--no-listen', '--data-dir', dataDir, '--log-level', 'warn'],
      cwd: REPO_ROOT,
    });
    await utility.ready;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    expect(await utility?.stop()).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function openDesktopPage(): Promise<{ page: Page; errors: string[] }> {
    const { context, page, errors } = await newUiPage(browser);
    // ui/dist with the desktop app's headers; anything else (any other origin) is refused, as in the app.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      const file = url.origin === ORIGIN ? resolveAppFile(join(REPO_ROOT, 'ui/dist'), `app://dbv${url.pathname}`) : null;
      if (!file) return route.abort();
      await route.fulfill({ path: file, headers: { ...APP_RESPONSE_HEADERS } }).catch(() => route.abort());
    });
    // Bridge → page, in order; page → bridge on the port handed over last.
    let toPage = Promise.resolve();
    let current: RendererPort | undefined;
    await page.exposeFunction('__dbvToBridge', (text: string) => current?.post(text));
    await page.exposeFunction('__dbvRequestPort', () => {
      const port = utility.openPort();
      current = port;
      port.onMessage((text) => {
        toPage = toPage
          .then(() => page.evaluate((t) => (window as unknown as { __dbvBridgeEnd: MessagePort }).__dbvBridgeEnd.postMessage(t), text))
          .catch(() => undefined);
      });
      toPage = toPage.then(() => page.evaluate(() => (window as unknown as { __dbvHandOverPort: () => void }).__dbvHandOverPort()));
    });
    await page.addInitScript(FAKE_PRELOAD);
    await page.goto(`${ORIGIN}/index.html`);
    return { page, errors };
  }

  it('lists the sample over the port and streams a query into the grid, with no CSP violation', async () => {
    const { page, errors } = await openDesktopPage();
    await page.getByRole('option', { name: /Sample \(SQLite\)/ }).getByRole('button').first().click();
    await setEditorText(page, 'select * from orders order by id limit 1000');
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.getByTestId('run-status').getByText(/^1,000 rows in/).waitFor();
    expect(await page.locator('.grid-colhead .col-name').first().textContent()).toBe('id');
    await screenshot(page, 'desktop-results');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
