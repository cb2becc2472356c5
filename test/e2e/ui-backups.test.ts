/**
 * The backups and jobs screens in Chromium, on the standalone bridge (started with a --backup-dir in a temp folder):
 * a SQLite backup started from the screen shows its progress bar reach 100 % and appears in the list with size, date
 * and checksum (the same as backup.list says); a restore asks for confirmation naming the target connection and
 * database — Cancel does nothing, Confirm brings deleted rows back (checked by a query over RPC); the job list shows
 * statuses and durations, and Cancel stops a running PostgreSQL backup (kept running by a lock pg_dump waits on).
 * Screenshots: docs/screenshots/backups.png, restore-confirm.png, jobs.png.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.js';
import type { TestClient } from '../helpers/clients.js';
import { testDatabase } from '../helpers/databases.js';
import { adminClient, createTestDatabase, dropTestDatabase } from '../integration/postgres/pg-fixture.js';
import { openBackupsScreen, type BackupsScreen } from './backups-screen.js';
import { screenshot } from './ui-page.js';

const ROWS = 3000;
const pgDb = await testDatabase('postgres');
const PG_NAME = `dbv_backupui_${Math.random().toString(36).slice(2, 10)}`;

async function count(client: TestClient, connectionId: string, sql: string): Promise<number> {
  const { sessionId } = await client.call('query.createSession', { connectionId });
  try {
    const { runId } = await client.call('query.run', { sessionId, sql });
    const run = await client.collectRun(runId);
    expect(run.errors).toEqual([]);
    return Number(Object.values(run.results[0]!.rows[0] as Record<string, unknown>)[0]);
  } finally {
    await client.call('query.closeSession', { sessionId });
  }
}

describe.skipIf(!browserAvailable())('the backups and jobs screens', { timeout: 120_000 }, () => {
  let screen: BackupsScreen;
  let dir: string;
  let dbPath: string;
  let rpc: TestClient;
  let page: Page;
  let errors: string[];
  let connectionId: string;

  beforeAll(async () => {
    screen = await openBackupsScreen('Shop', (db) => {
      db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT); CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT)');
      const insert = db.prepare('INSERT INTO items (name, note) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 1; i <= ROWS; i++) insert.run(`item ${i}`, 'x'.repeat(200));
      })();
      db.exec("INSERT INTO tags (label) VALUES ('red'), ('green')");
    });
    ({ dir, dbPath, rpc, page, errors, connectionId } = screen);
  }, 60_000);

  afterAll(async () => {
    await screen?.stop();
  });

  it('starts a SQLite backup whose progress reaches 100 % and lists it with size, date and checksum', async () => {
    const view = page.getByRole('region', { name: 'Backups' });
    await view.getByRole('heading', { name: /Backups — Shop/ }).waitFor();
    await view.getByText('No backups of this connection yet.').waitFor();
    await view.getByRole('button', { name: 'Start backup' }).click();
    const bar = view.getByRole('progressbar', { name: 'backup progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    await view.locator('.backup-job .status-badge.success').waitFor();
    const [backup] = await rpc.call('backup.list', { connectionId });
    expect(backup).toBeDefined();
    const row = view.getByRole('row', { name: `Backup ${backup!.id}` });
    await row.waitFor();
    expect(await row.getByTestId('backup-checksum').getAttribute('title')).toBe(backup!.sha256);
    expect(await row.getByTestId('backup-checksum').textContent()).toBe(`${backup!.sha256.slice(0, 16)}…`);
    expect(backup!.size).toBeGreaterThan(ROWS * 200);
    expect(await row.getByTestId('backup-size').textContent()).toMatch(/^\d+(\.\d+)? (KiB|MiB)$/);
    expect(await row.locator('time').getAttribute('dateTime')).toBe(backup!.createdAt);
    expect(await row.textContent()).toContain('SQLite file');
    await screenshot(page, 'backups');
  });

  it('asks before a restore, naming the target; Cancel does nothing, Confirm brings the rows back', async () => {
    const view = page.getByRole('region', { name: 'Backups' });
    const [backup] = await rpc.call('backup.list', { connectionId });
    // Lose most of the data over RPC, as a user's mistake would.
    const { sessionId } = await rpc.call('query.createSession', { connectionId });
    const { runId } = await rpc.call('query.run', { sessionId, sql: 'DELETE FROM items WHERE id > 10' });
    expect((await rpc.collectRun(runId)).done.status).toBe('success');
    await rpc.call('query.closeSession', { sessionId });
    expect(await count(rpc, connectionId, 'SELECT count(*) FROM items')).toBe(10);

    await view.getByRole('button', { name: `Restore backup ${backup!.id}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('restore-target-connection').textContent()).toBe('Shop');
    expect(await dialog.getByTestId('restore-target-database').textContent()).toBe(dbPath);
    await screenshot(page, 'restore-confirm');

    // Cancel: nothing is started, nothing changes.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForTimeout(500);
    expect((await rpc.call('job.list', {})).filter((j) => j.kind === 'restore')).toEqual([]);
    expect(await count(rpc, connectionId, 'SELECT count(*) FROM items')).toBe(10);

    // Escape closes it the same way (the native dialog's cancel).
    await view.getByRole('button', { name: `Restore backup ${backup!.id}` }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await rpc.call('job.list', {})).filter((j) => j.kind === 'restore')).toEqual([]);

    // Confirm: the restore runs and the rows are back.
    await view.getByRole('button', { name: `Restore backup ${backup!.id}` }).click();
    await dialog.getByRole('button', { name: 'Restore into Shop' }).click();
    await dialog.waitFor({ state: 'detached' });
    const restoreLine = view.locator('.backup-job').filter({ hasText: 'restore' });
    await restoreLine.locator('.status-badge.success').waitFor({ timeout: 30_000 });
    expect(await restoreLine.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await count(rpc, connectionId, 'SELECT count(*) FROM items')).toBe(ROWS);
    expect(await count(rpc, connectionId, 'SELECT count(*) FROM tags')).toBe(2);
  });

  it('restores into another connection of the same engine, named in the confirmation', async () => {
    const copyPath = join(dir, 'shop-copy.db');
    new Database(copyPath).close();
    const copyId = (await rpc.call('connection.create', { config: { name: 'Shop copy', type: 'sqlite', database: copyPath } })).id;
    // The connection was made over RPC; the page lists connections when it loads.
    await page.reload();
    await page.getByRole('option', { name: /Shop SQLite/ }).getByRole('button').first().click();
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    const view = page.getByRole('region', { name: 'Backups' });
    const [backup] = await rpc.call('backup.list', { connectionId });
    await view.getByRole('button', { name: `Restore backup ${backup!.id}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });
    expect(await dialog.getByTestId('restore-target-connection').textContent()).toBe('Shop');
    await dialog.getByRole('combobox', { name: 'Target connection' }).selectOption({ label: `Shop copy — ${copyPath}` });
    expect(await dialog.getByTestId('restore-target-connection').textContent()).toBe('Shop copy');
    expect(await dialog.getByTestId('restore-target-database').textContent()).toBe(copyPath);
    await dialog.getByRole('button', { name: 'Restore into Shop copy' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await rpc.call('job.list', { status: 'success' })).filter((j) => j.kind === 'restore').length, { timeout: 30_000 }).toBe(2);
    expect(await count(rpc, copyId, 'SELECT count(*) FROM items')).toBe(ROWS);
    // The source was left alone.
    expect(await count(rpc, connectionId, 'SELECT count(*) FROM items')).toBe(ROWS);
  });

  it('backs up chosen tables, then deletes that backup after a confirmation', async () => {
    const view = page.getByRole('region', { name: 'Backups' });
    const form = view.getByRole('group', { name: 'New backup' });
    await form.getByRole('radio', { name: 'Chosen tables' }).check();
    // Nothing chosen yet: the form says why it cannot start.
    expect(await form.getByRole('button', { name: 'Start backup' }).isDisabled()).toBe(true);
    await form.getByText('Choose at least one table for a table backup.').waitFor();
    const picker = form.getByRole('list', { name: 'Tables to back up' });
    expect(await picker.getByRole('checkbox').count()).toBe(2);
    await picker.getByRole('checkbox', { name: 'tags' }).check();
    await form.getByRole('button', { name: 'Start backup' }).click();
    await expect.poll(async () => (await rpc.call('backup.list', { connectionId })).length, { timeout: 30_000 }).toBe(2);
    const tableBackup = (await rpc.call('backup.list', { connectionId })).find((b) => b.type === 'table')!;
    expect(tableBackup.tables).toEqual(['tags']);
    const row = view.getByRole('row', { name: `Backup ${tableBackup.id}` });
    await row.waitFor();
    expect(await row.textContent()).toContain('tables (1)');
    await view.getByRole('button', { name: `Delete backup ${tableBackup.id}` }).click();
    await page.getByRole('dialog', { name: 'Delete backup' }).getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await rpc.call('backup.list', { connectionId })).map((b) => b.id)).not.toContain(tableBackup.id);
  });

  describe.skipIf(pgDb.skip)('on PostgreSQL', () => {
    let admin: pg.Client;
    let locker: pg.Client;
    let pgConnectionId: string;

    beforeAll(async () => {
      const config = await createTestDatabase(pgDb.url!, PG_NAME);
      admin = await adminClient(pgDb.url!, PG_NAME);
      await admin.query('CREATE TABLE measurements (id serial PRIMARY KEY, value double precision); INSERT INTO measurements (value) SELECT random() FROM generate_series(1, 1000)');
      pgConnectionId = (await rpc.call('connection.create', { config: { ...config, name: 'Metrics (PostgreSQL)' } })).id;
      // A transaction holding an ACCESS EXCLUSIVE lock: the backup cannot read the table until it ends, so the job
      // stays running for as long as the test needs — no race with a fast machine.
      locker = await adminClient(pgDb.url!, PG_NAME);
      await locker.query('BEGIN; LOCK TABLE measurements IN ACCESS EXCLUSIVE MODE');
    }, 60_000);

    afterAll(async () => {
      await locker?.query('ROLLBACK').catch(() => undefined);
      await locker?.end().catch(() => undefined);
      await admin?.end().catch(() => undefined);
      await dropTestDatabase(pgDb.url!, PG_NAME);
    });

    it('lists jobs with statuses and durations, and cancels a running backup', async () => {
      // The connection was made over RPC; the page lists connections when it loads.
      await page.reload();
      await page.getByRole('option', { name: /Metrics/ }).getByRole('button').first().click();
      await page.getByRole('button', { name: 'Backups', exact: true }).click();
      const view = page.getByRole('region', { name: 'Backups' });
      await view.getByRole('heading', { name: /Backups — Metrics/ }).waitFor();
      await view.getByRole('button', { name: 'Start backup' }).click();
      await expect.poll(async () => (await rpc.call('job.list', { status: 'running' })).filter((j) => j.connectionId === pgConnectionId).length, { timeout: 20_000 }).toBe(1);
      const [running] = (await rpc.call('job.list', { status: 'running' })).filter((j) => j.connectionId === pgConnectionId);

      await page.getByRole('button', { name: 'Jobs', exact: true }).click();
      const jobs = page.getByRole('region', { name: 'Jobs' });
      const table = jobs.getByRole('table', { name: 'Job list' });
      const runningRow = table.getByRole('row', { name: `backup job ${running!.id}` });
      await runningRow.locator('.status-badge.running').waitFor();
      // The earlier SQLite jobs are there with their final status.
      expect(await table.locator('.status-badge.success').count()).toBeGreaterThanOrEqual(3);
      expect(await table.getByRole('row').filter({ hasText: 'restore' }).count()).toBe(2);
      // Its duration counts up while it runs.
      const durationCell = runningRow.locator('td.num');
      const first = await durationCell.textContent();
      await expect.poll(() => durationCell.textContent(), { timeout: 10_000 }).not.toBe(first);
      await screenshot(page, 'jobs');

      await runningRow.getByRole('button', { name: `Cancel backup job ${running!.id}` }).click();
      await runningRow.locator('.status-badge.cancelled').waitFor({ timeout: 20_000 });
      expect(await runningRow.getByRole('button', { name: /Cancel/ }).count()).toBe(0);
      expect(await rpc.call('job.get', { jobId: running!.id })).toMatchObject({ status: 'cancelled' });
      expect(await rpc.call('backup.list', { connectionId: pgConnectionId })).toEqual([]);
      // Filter by status.
      await jobs.getByRole('combobox', { name: 'Filter by status' }).selectOption('cancelled');
      expect(await table.getByRole('row').count()).toBe(2);
      expect(errors).toEqual([]);
    });
  });
});
