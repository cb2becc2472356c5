/**
 * The start both backup-screen test files share: a SQLite file of their own in a temp folder, the standalone bridge
 * with a --backup-dir in that folder, the file added as a connection over RPC, and Chromium on the UI's Backups view
 * of that connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { launchChromium } from '../helpers/browser.js';
import { connectWs, type TestClient } from '../helpers/clients.js';
import { openUi } from './ui-page.js';

export interface BackupsScreen {
  dir: string;
  dbPath: string;
  bridge: BridgeProcess;
  rpc: TestClient;
  connectionId: string;
  browser: Browser;
  page: Page;
  errors: string[];
  stop(): Promise<void>;
}

/** `fill` writes the SQLite file's contents; `name` is the connection's (and the file's) name. */
export async function openBackupsScreen(name: string, fill: (db: Database.Database) => void): Promise<BackupsScreen> {
  const dir = mkdtempSync(join(tmpdir(), `dbv-backupui-${name.toLowerCase()}-`));
  const dbPath = join(dir, `${name.toLowerCase()}.db`);
  const db = new Database(dbPath);
  fill(db);
  db.close();
  const bridge = await startBridgeProcess({ fromDist: true, args: ['--no-sample', '--backup-dir', join(dir, 'extra-backups')] });
  const rpc = await connectWs(bridge.ready.url, bridge.token);
  const connectionId = (await rpc.call('connection.create', { config: { name, type: 'sqlite', database: dbPath } })).id as string;
  const browser = await launchChromium();
  const { page, errors } = await openUi(browser, bridge.ready.ui!);
  await page.getByRole('option', { name: new RegExp(name) }).getByRole('button').first().click();
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  return {
    dir,
    dbPath,
    bridge,
    rpc,
    connectionId,
    browser,
    page,
    errors,
    async stop() {
      await browser.close();
      await rpc.close().catch(() => undefined);
      expect(await bridge.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
