/**
 * A job that does not finish: cancelled mid-dump (the pg_dump process is gone, checked by pid; no partial file; the
 * job `cancelled`), and the supervisor SIGKILLed mid-dump then started again on the same data folder (the job
 * `interrupted`, or run again when its options ask; no partial file; nothing left `running` in app.db).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import type { TestClient } from '../../helpers/clients.js';
import { adminClient, createTestDatabase, dropTestDatabase } from '../postgres/pg-fixture.js';
import { BUILT, jobDone, startJobBridge } from './job-harness.js';

const pg = await testDatabase('postgres');
const DB = `dbv_bk_int_${randomBytes(4).toString('hex')}`;

/** Alive and not a zombie (an orphan nobody reaped yet has exited all the same). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function toolPidOf(client: TestClient, jobId: string): Promise<number> {
  return until(`the tool pid of ${jobId}`, async () => {
    const dump = await client.call('debug.dumpState', {});
    return (dump.jobs as Array<{ id: string; toolPid?: number }>).find((j) => j.id === jobId)?.toolPid;
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.skipIf(pg.skip || (!BUILT && process.env.CI !== 'true'))('jobs that do not finish', () => {
  let config: Record<string, unknown>;

  beforeAll(async () => {
    await createTestDatabase(pg.url!, DB);
    const admin = await adminClient(pg.url!, DB);
    // Large enough that pg_dump runs for seconds: ~300 MB of rows that do not compress well.
    await admin.query("CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) AS t FROM generate_series(1, 2500000) g");
    await admin.end();
    config = { ...configFromUrl(pg.url!), name: 'big', type: 'postgres', database: DB };
  }, 120_000);

  afterAll(async () => {
    await dropTestDatabase(pg.url!, DB);
  });

  it('cancel mid-backup: the tool process is gone, no partial file remains, the job is cancelled', async () => {
    // Its own keychain service (or, without a keychain, the encrypted file under a master password) for the password.
    const jb = await startJobBridge({ env: { DBV_KEYCHAIN_SERVICE: `dbv-test-jobs-${randomBytes(4).toString('hex')}`, DBV_MASTER_PASSWORD: 'jobs-test-master' } });
    let connectionId: string | undefined;
    try {
      // The server trusts local connections, so any password works; it must reach pg_dump by its environment only.
      const password = `pw-probe-${randomBytes(6).toString('hex')}`;
      connectionId = (await jb.client.call('connection.create', { config: { ...config, password } as never })).id;
      const { jobId } = await jb.client.call('backup.create', { connectionId, options: {} });
      const pid = await toolPidOf(jb.client, jobId);
      expect(alive(pid)).toBe(true);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(password);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`PGPASSWORD=${password}`);
      expect(readFileSync(join(jb.bridge.dataDir, 'app.db')).includes(password)).toBe(false);
      const backupsDir = join(jb.bridge.dataDir, 'backups');
      await until('the partial file', () => (filesUnder(backupsDir).some((f) => f.endsWith('.partial')) ? true : undefined));
      expect(await jb.client.call('job.cancel', { jobId })).toEqual({ cancelled: true });
      expect(await jobDone(jb.client, jobId)).toMatchObject({ status: 'cancelled' });
      await until('pg_dump to exit', () => (alive(pid) ? undefined : true), 5000);
      expect(filesUnder(backupsDir)).toEqual([]);
      expect(await jb.client.call('job.get', { jobId })).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
      expect(await jb.client.call('job.cancel', { jobId })).toEqual({ cancelled: false });
      expect(await jb.client.call('backup.list', { connectionId })).toEqual([]);
    } finally {
      // Deleting the connection deletes its password from the keychain.
      if (connectionId) await jb.client.call('connection.delete', { id: connectionId }).catch(() => undefined);
      await jb.stop();
    }
  }, 90_000);

  it('SIGKILL of the supervisor mid-backup: at the next start the job is interrupted (or retried), no partial file, app.db consistent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dbv-sigkill-'));
    try {
      const first = await startJobBridge({ dataDir });
      const connectionId = (await first.client.call('connection.create', { config: config as never })).id;
      const plain = (await first.client.call('backup.create', { connectionId, options: {} })).jobId;
      const retried = (await first.client.call('backup.create', { connectionId, options: { retryOnInterrupt: true } })).jobId;
      const pids = [await toolPidOf(first.client, plain), await toolPidOf(first.client, retried)];
      const backupsDir = join(dataDir, 'backups');
      await until('two partial files', () => (filesUnder(backupsDir).filter((f) => f.endsWith('.partial')).length === 2 ? true : undefined));
      first.bridge.child.kill('SIGKILL');
      await once(first.bridge.child, 'exit');
      await first.client.close().catch(() => undefined);
      // The tools write into a pipe whose reader died: they stop at their next write instead of writing on alone.
      for (const pid of pids) await until(`orphaned pg_dump ${pid} to exit`, () => (alive(pid) ? undefined : true), 10_000);

      const second = await startJobBridge({ dataDir });
      try {
        const interrupted = await second.client.call('job.get', { jobId: plain });
        expect(interrupted).toMatchObject({ status: 'interrupted', attempts: 1, error: { code: 'INTERNAL' } });
        expect(filesUnder(backupsDir).filter((f) => f.endsWith('.partial') && !f.includes(retried.slice(4, 12)))).toEqual([]);
        const rerun = await second.client.call('job.get', { jobId: retried });
        expect(['queued', 'running', 'success']).toContain(rerun.status);
        const done = await until('the retried job to end', async () => {
          const job = await second.client.call('job.get', { jobId: retried });
          return ['success', 'failed', 'cancelled', 'interrupted'].includes(job.status) ? job : undefined;
        }, 120_000);
        expect(done).toMatchObject({ status: 'success', attempts: 2 });
        expect(await second.client.call('job.list', { status: 'running' })).toEqual([]);
        const backups = await second.client.call('backup.list', { connectionId });
        expect(backups).toHaveLength(1);
        expect(filesUnder(backupsDir)).toEqual([backups[0]!.path]);
      } finally {
        await second.stop({ keepDataDir: true });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
