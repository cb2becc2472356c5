/**
 * Shared by the renderer's browser tests: a page on the bridge's UI with the browser's console errors and failed
 * requests collected (a CSP violation shows up there), and screenshots written to docs/screenshots/.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/bridge-process.js';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs/screenshots');

export interface UiPage {
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

/** A new page (its own context, the tests' viewport) collecting console and page errors; not yet navigated. */
export async function newUiPage(browser: Browser, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<UiPage & { context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  // Shorter than the test timeout, so a missing element fails with the locator's own message.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { context, page, errors };
}

export async function openUi(browser: Browser, url: string, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<UiPage> {
  const { context, page, errors } = await newUiPage(browser, opts);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(url);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Types into the CodeMirror editor, replacing its content. */
export async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
