/**
 * SQLite through the job system, end to end over JSON-RPC on the built bridge: backup with the online backup API
 * (page progress), restore into a new file swapped in, restore into a second connection, export, and the bad inputs
 * (unknown connection / job / backup, corrupted file, paths) — each the documented code and nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, expectNonDecreasing, jobDone, progressOf, startJobBridge, type JobBridge } from './job-harness.js';

const FIXTURE = `
  PRAGMA foreign_keys = ON;
  CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, photo BLOB);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total REAL, placed TEXT);
  CREATE INDEX orders_customer ON orders(customer_id);
  CREATE VIEW big_orders AS SELECT o.id, c.name, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100;
  INSERT INTO customers VALUES (1, 'Zoë Ångström', 'naïve 日本語 🎉', x'00ff10'), (2, 'Bob', NULL, NULL), (3, 'quote''s "and" \\ back', 'line1
line2', x'');
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
  INSERT INTO orders SELECT i, 1 + i % 3, i * 0.5, CASE WHEN i % 7 = 0 THEN NULL ELSE '2024-01-' || (1 + i % 28) END FROM n;
`;

/** Every object's SQL and every row of every table, as the database itself reports them. */
function snapshot(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ type: string; name: string }>;
    const rows = Object.fromEntries(
      schema.filter((o) => o.type === 'table' || o.type === 'view').map((o) => [o.name, db.prepare(`SELECT * FROM "${o.name}" ORDER BY 1`).all()]),
    );
    return { schema, rows };
  } finally {
    db.close();
  }
}

describe.skipIf(!BUILT && process.env.CI !== 'true')('SQLite backup, restore and export through the job system', () => {
  let dir: string;
  let dbPath: string;
  let jb: JobBridge;
  let connectionId: string;
  let backupId: string;
  let original: unknown;
  let extraDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-backup-sqlite-'));
    extraDir = join(dir, 'exports');
    mkdirSync(extraDir);
    dbPath = join(dir, 'shop.db');
    const db = new Database(dbPath);
    db.exec(FIXTURE);
    db.close();
    original = snapshot(dbPath);
    jb = await startJobBridge({ args: ['--backup-dir', extraDir] });
    connectionId = (await jb.client.call('connection.create', { config: { name: 'shop', type: 'sqlite', database: dbPath } })).id;
  }, 60_000);

  afterAll(async () => {
    await jb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up with page progress that only grows, records size, sha256 and tool, and leaves no partial file', async () => {
    const { jobId } = await jb.client.call('backup.create', { connectionId, options: {} });
    const done = await jobDone(jb.client, jobId);
    expect(done).toMatchObject({ kind: 'backup', status: 'success' });
    const meta = done.metadata!;
    backupId = meta.id;
    expect(meta).toMatchObject({ connectionId, type: 'full', format: 'sqlite-db', engine: 'sqlite', tool: 'driver' });
    expect(meta.path.startsWith(join(jb.bridge.dataDir, 'backups'))).toBe(true);
    expect(meta.sha256).toBe(createHash('sha256').update(readFileSync(meta.path)).digest('hex'));
    expect(meta.size).toBe(readFileSync(meta.path).length);
    expect(readdirSync(join(meta.path, '..')).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const progress = progressOf(jb.client, jobId);
    expect(progress.length).toBeGreaterThan(0);
    expect(expectNonDecreasing(progress)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(await jb.client.call('job.get', { jobId })).toMatchObject({ id: jobId, kind: 'backup', status: 'success', progress: 100, attempts: 1 });
    expect((await jb.client.call('backup.list', { connectionId })).map((b) => b.id)).toContain(backupId);
  });

  it('restores after rows were deleted and a table dropped: every object and row identical', async () => {
    const db = new Database(dbPath);
    db.exec('DELETE FROM orders WHERE id > 10; DROP VIEW big_orders; UPDATE customers SET name = \'changed\'; CREATE TABLE intruder (x)');
    db.close();
    expect(snapshot(dbPath)).not.toEqual(original);
    // The connection is in use when the restore swaps the file in.
    const { sessionId } = await jb.client.call('query.createSession', { connectionId });
    const { jobId } = await jb.client.call('backup.restore', { backupId });
    expect(await jobDone(jb.client, jobId)).toMatchObject({ kind: 'restore', status: 'success' });
    expect(snapshot(dbPath)).toEqual(original);
    expect(existsSync(`${dbPath}.partial`)).toBe(false);
    // And the connection serves the restored file.
    const session = (await jb.client.call('query.createSession', { connectionId })).sessionId;
    const { runId } = await jb.client.call('query.run', { sessionId: session, sql: 'SELECT count(*) AS n FROM orders' });
    const run = await jb.client.collectRun(runId);
    expect(Number((run.results[0]!.rows[0] as { n: unknown }).n)).toBe(5000);
    void sessionId;
  });

  it('restores into a second connection (targetConnectionId)', async () => {
    const second = join(dir, 'copy.db');
    new Database(second).close();
    const target = (await jb.client.call('connection.create', { config: { name: 'copy', type: 'sqlite', database: second } })).id;
    const { jobId } = await jb.client.call('backup.restore', { backupId, options: { targetConnectionId: target } });
    expect(await jobDone(jb.client, jobId)).toMatchObject({ status: 'success' });
    expect(snapshot(second)).toEqual(original);
  });

  it('refuses a corrupted backup file before touching the database (RESTORE_FAILED, reason checksum)', async () => {
    const { jobId: b } = await jb.client.call('backup.create', { connectionId, options: {} });
    const meta = (await jobDone(jb.client, b)).metadata!;
    const bytes = readFileSync(meta.path);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(meta.path, bytes);
    const db = new Database(dbPath);
    db.exec("INSERT INTO customers VALUES (99, 'after', NULL, NULL)");
    db.close();
    const before = snapshot(dbPath);
    const { jobId } = await jb.client.call('backup.restore', { backupId: meta.id });
    const done = await jobDone(jb.client, jobId);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'RESTORE_FAILED', details: { reason: 'checksum' } } });
    expect(snapshot(dbPath)).toEqual(before);
    expect(await jb.client.call('job.get', { jobId })).toMatchObject({ status: 'failed', error: { code: 'RESTORE_FAILED' } });
  });

  it('exports a table to CSV and a query to JSON lines, streamed as jobs', async () => {
    const { jobId } = await jb.client.call('backup.export', { connectionId, source: { table: 'customers' }, options: { format: 'csv' } });
    const done = await jobDone(jb.client, jobId);
    expect(done).toMatchObject({ kind: 'export', status: 'success', export: { rows: 4 } });
    const csv = readFileSync(done.export!.path, 'utf8').split('\r\n');
    expect(csv[0]).toBe('id,name,note,photo');
    expect(csv[1]).toBe('1,Zoë Ångström,naïve 日本語 🎉,\\x00ff10');
    expect(csv[2]).toBe('2,Bob,,');
    const target = join(extraDir, 'orders.jsonl');
    const q = await jb.client.call('backup.export', { connectionId, source: { sql: 'SELECT id, total, placed FROM orders WHERE id <= 14 ORDER BY id' }, options: { format: 'jsonl', path: target } });
    expect(await jobDone(jb.client, q.jobId)).toMatchObject({ status: 'success', export: { path: target, rows: 14 } });
    const lines = readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: 1, total: 0.5, placed: '2024-01-2' });
    expect(lines[13]).toEqual({ id: 14, total: 7, placed: null });
  });

  describe('bad input: the documented code, and nothing written', () => {
    const written = () => readdirSync(extraDir).sort();

    it('an unknown connection is CONNECTION_NOT_FOUND', async () => {
      expect(await jb.client.request('backup.create', { connectionId: 'conn_nope', options: {} })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
      expect(await jb.client.request('backup.export', { connectionId: 'conn_nope', source: { table: 't' } })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    });

    it('an unknown job is JOB_NOT_FOUND for job.get and job.cancel; an unknown backup is BACKUP_NOT_FOUND', async () => {
      expect(await jb.client.request('job.get', { jobId: 'job_nope' })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
      expect(await jb.client.request('job.cancel', { jobId: 'job_nope' })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
      expect(await jb.client.request('backup.restore', { backupId: 'bak_nope' })).toMatchObject({ ok: false, error: { code: 'BACKUP_NOT_FOUND' } });
      expect(await jb.client.request('backup.delete', { backupId: 'bak_nope' })).toMatchObject({ ok: false, error: { code: 'BACKUP_NOT_FOUND' } });
    });

    it('a relative, traversing, outside, symlinked, device or existing path is INVALID_PATH', async () => {
      const before = written();
      const outside = mkdtempSync(join(tmpdir(), 'dbv-outside-'));
      symlinkSync(outside, join(extraDir, 'escape'));
      symlinkSync('/dev/null', join(extraDir, 'null-link'));
      writeFileSync(join(extraDir, 'exists.dump'), 'keep me');
      const cases: Array<[string, string]> = [
        ['backups/x.dump', 'absolute'],
        [`${extraDir}/../x.dump`, '..'],
        [join(outside, 'x.dump'), 'outside'],
        [join(extraDir, 'escape', 'x.dump'), 'outside'],
        [join(extraDir, 'null-link'), 'symbolic link'],
        ['/dev/null', 'outside'],
        [join(extraDir, 'exists.dump'), 'exists'],
        [join(extraDir, 'missing-folder', 'x.dump'), 'does not exist'],
      ];
      for (const [path, reason] of cases) {
        const answer = await jb.client.request('backup.create', { connectionId, options: { path } });
        expect(answer, path).toMatchObject({ ok: false, error: { code: 'INVALID_PATH' } });
        expect((answer as { error: { message: string } }).error.message, path).toContain(reason);
      }
      expect(readFileSync(join(extraDir, 'exists.dump'), 'utf8')).toBe('keep me');
      expect(readdirSync(outside)).toEqual([]);
      expect(written()).toEqual([...before, 'escape', 'exists.dump', 'null-link'].sort());
      // Overwrite only when asked.
      const { jobId } = await jb.client.call('backup.create', { connectionId, options: { path: join(extraDir, 'exists.dump'), overwrite: true } });
      expect(await jobDone(jb.client, jobId)).toMatchObject({ status: 'success' });
      expect(readFileSync(join(extraDir, 'exists.dump')).subarray(0, 15).toString()).toBe('SQLite format 3');
      rmSync(outside, { recursive: true, force: true });
    });

    it('a table backup without tables is INVALID_PARAMS', async () => {
      expect(await jb.client.request('backup.create', { connectionId, options: { type: 'table' } })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    });
  });
});
