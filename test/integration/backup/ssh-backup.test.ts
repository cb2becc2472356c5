/**
 * Backups and restores of an SSH-tunnelled PostgreSQL connection, through the built bridge and a real sshd: with the
 * bastion's host key not pinned the job fails with SSH_HOST_UNKNOWN (nothing reaches the database); once pinned,
 * pg_dump and pg_restore (and the driver-level path) reach the database only through the task's forwarded loopback
 * port — each job is one more authenticated SSH login in sshd's log — and the restored database matches by query,
 * also when restored into another SSH connection (targetConnectionId). The SSH key and passphrase never land in the
 * data dir. Key authentication only: the test user's password is shared by every sshd test on the machine (each
 * server sets it afresh), so a parallel run elsewhere could change it mid-test.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { sshdAvailable, startSshd, type TestSshd } from '../../helpers/sshd.js';
import { adminClient, dropTestDatabase } from '../postgres/pg-fixture.js';
import { sshSettings } from '../ssh/tunnel-fixture.js';
import { BUILT, jobDone, startJobBridge, type JobBridge } from './job-harness.js';
import { createFixtureDatabases, PG_DAMAGE, pgSnapshot } from './pg-snapshot.js';

const canRun = sshdAvailable();
const pg = await testDatabase('postgres');
const suffix = randomBytes(4).toString('hex');
const SOURCE = `dbv_bk_ssh_${suffix}`;
const SECOND = `dbv_bk_ssh2_${suffix}`;

describe.skipIf(!canRun || pg.skip || (!BUILT && process.env.CI !== 'true'))('backups of an SSH-tunnelled connection', () => {
  let sshd: TestSshd;
  let jb: JobBridge;
  let connectionId: string;
  let secondId: string;
  let original: unknown;
  let config: ConnectionConfig;

  /** Authenticated SSH logins so far: every job through the tunnel adds at least one. */
  const logins = () => (sshd.log().match(/Accepted (password|publickey) for /g) ?? []).length;

  beforeAll(async () => {
    sshd = await startSshd();
    original = await createFixtureDatabases(pg.url!, SOURCE, SECOND);
    jb = await startJobBridge();
    // The database as the bastion sees it (127.0.0.1:5432), reached through the sshd.
    config = { ...configFromUrl(pg.url!), name: 'pg via bastion', type: 'postgres', database: SOURCE, ssh: sshSettings(sshd, 'encrypted-key'), extra: { connectTimeoutMs: 8000 } };
    connectionId = (await jb.client.call('connection.create', { config })).id;
    secondId = (await jb.client.call('connection.create', { config: { ...config, name: 'pg second via bastion', database: SECOND, ssh: sshSettings(sshd, 'key') } })).id;
  }, 60_000);

  afterAll(async () => {
    await jb?.stop();
    await sshd?.stop();
    await dropTestDatabase(pg.url!, SOURCE);
    await dropTestDatabase(pg.url!, SECOND);
  });

  it('fails the job with SSH_HOST_UNKNOWN while the bastion host key is not pinned', async () => {
    const { jobId } = await jb.client.call('backup.create', { connectionId, options: {} });
    const done = await jobDone(jb.client, jobId);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'SSH_HOST_UNKNOWN', details: { fingerprint: sshd.fingerprint, host: sshd.host, port: sshd.port } });
    expect(logins()).toBe(0);
  });

  let customBackup: string;

  it('backs up with pg_dump through the forward and restores with pg_restore, compared by query', async () => {
    await jb.client.call('connection.trustHostKey', { connectionId, fingerprint: sshd.fingerprint });
    const before = logins();
    const { jobId } = await jb.client.call('backup.create', { connectionId, options: {} });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(done.metadata).toMatchObject({ format: 'pg-custom', engine: 'postgres' });
    expect(done.metadata!.tool).toMatch(/\/pg_dump$/);
    expect(logins()).toBeGreaterThan(before);
    customBackup = done.metadata!.id;

    const admin = await adminClient(pg.url!, SOURCE);
    await admin.query(PG_DAMAGE);
    await admin.end();
    expect(await pgSnapshot(pg.url!, SOURCE)).not.toEqual(original);

    const afterBackup = logins();
    const restore = await jb.client.call('backup.restore', { backupId: customBackup });
    const restored = await jobDone(jb.client, restore.jobId);
    expect(restored.status, JSON.stringify(restored.error)).toBe('success');
    expect(logins()).toBeGreaterThan(afterBackup);
    const cleanup = await adminClient(pg.url!, SOURCE);
    await cleanup.query('DROP TABLE scratch');
    await cleanup.end();
    expect(await pgSnapshot(pg.url!, SOURCE)).toEqual(original);
  });

  it('restores into another SSH connection (targetConnectionId) through its own tunnel', async () => {
    const before = logins();
    const { jobId } = await jb.client.call('backup.restore', { backupId: customBackup, options: { targetConnectionId: secondId } });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(logins()).toBeGreaterThan(before);
    expect(await pgSnapshot(pg.url!, SECOND)).toEqual(original);
  });

  it('the driver-level backup and an export go through the forward as well', async () => {
    const before = logins();
    const { jobId } = await jb.client.call('backup.create', { connectionId, options: { via: 'driver' } });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(done.metadata).toMatchObject({ format: 'driver-sql-gz', tool: 'driver' });
    const afterDriver = logins();
    expect(afterDriver).toBeGreaterThan(before);
    const exported = await jb.client.call('backup.export', { connectionId, source: { table: 'customers' }, options: { format: 'jsonl' } });
    const exportDone = await jobDone(jb.client, exported.jobId);
    expect(exportDone.status, JSON.stringify(exportDone.error)).toBe('success');
    expect(exportDone.export!.rows).toBeGreaterThan(0);
    expect(logins()).toBeGreaterThan(afterDriver);
  });

  it('never writes the SSH key or its passphrase to the data dir', () => {
    // The key's base64 body, in lines as the file has them; any one of them would be a leak.
    const keyLines = sshd.encryptedKey.split('\n').filter((line) => line.length > 40);
    for (const file of readdirSync(jb.bridge.dataDir, { recursive: true }) as string[]) {
      if (file === 'secrets.enc') continue; // encrypted
      let text: string;
      try {
        text = readFileSync(join(jb.bridge.dataDir, file), 'latin1');
      } catch {
        continue; // a directory
      }
      expect(text, file).not.toContain(sshd.passphrase);
      for (const line of keyLines) expect(text, file).not.toContain(line);
    }
  });
});
