/**
 * PostgreSQL round trips through the job system on the built bridge against the real server: pg_dump custom format,
 * plain .sql.gz, and the driver-level export (forced with via: 'driver'), each restored over a damaged database and
 * compared by query; a restore into a second database; a table backup.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { adminClient, dropTestDatabase } from '../postgres/pg-fixture.js';
import { BUILT, expectNonDecreasing, jobDone, progressOf, startJobBridge, type JobBridge } from './job-harness.js';
import { createFixtureDatabases, PG_DAMAGE, pgSnapshot } from './pg-snapshot.js';

const pg = await testDatabase('postgres');
const suffix = randomBytes(4).toString('hex');
const SOURCE = `dbv_bk_pg_${suffix}`;
const SECOND = `dbv_bk_pg2_${suffix}`;

describe.skipIf(pg.skip || (!BUILT && process.env.CI !== 'true'))('PostgreSQL backup and restore through the job system', () => {
  let jb: JobBridge;
  let connectionId: string;
  let secondId: string;
  let original: unknown;

  beforeAll(async () => {
    original = await createFixtureDatabases(pg.url!, SOURCE, SECOND);
    jb = await startJobBridge();
    const base = configFromUrl(pg.url!);
    connectionId = (await jb.client.call('connection.create', { config: { ...base, name: 'pg source', type: 'postgres', database: SOURCE } })).id;
    secondId = (await jb.client.call('connection.create', { config: { ...base, name: 'pg second', type: 'postgres', database: SECOND } })).id;
  }, 60_000);

  afterAll(async () => {
    await jb?.stop();
    await dropTestDatabase(pg.url!, SOURCE);
    await dropTestDatabase(pg.url!, SECOND);
  });

  async function damage(): Promise<void> {
    const admin = await adminClient(pg.url!, SOURCE);
    await admin.query(PG_DAMAGE);
    await admin.end();
    expect(await pgSnapshot(pg.url!, SOURCE)).not.toEqual(original);
  }

  async function roundTrip(options: Record<string, unknown>, expected: { format: string; toolMatch: RegExp }): Promise<string> {
    const { jobId } = await jb.client.call('backup.create', { connectionId, options });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(done.metadata).toMatchObject({ format: expected.format, engine: 'postgres' });
    expect(done.metadata!.tool).toMatch(expected.toolMatch);
    const progress = progressOf(jb.client, jobId);
    expect(expectNonDecreasing(progress)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    await damage();
    const restore = await jb.client.call('backup.restore', { backupId: done.metadata!.id });
    const restored = await jobDone(jb.client, restore.jobId);
    expect(restored.status, JSON.stringify(restored.error)).toBe('success');
    // A table made after the backup is not the backup's business (a restore leaves it be): drop it, then compare.
    const admin = await adminClient(pg.url!, SOURCE);
    await admin.query('DROP TABLE scratch');
    await admin.end();
    expect(await pgSnapshot(pg.url!, SOURCE)).toEqual(original);
    return done.metadata!.id;
  }

  let customBackup: string;

  it('round-trips with pg_dump custom format and pg_restore', async () => {
    customBackup = await roundTrip({}, { format: 'pg-custom', toolMatch: /\/pg_dump$/ });
    const [meta] = (await jb.client.call('backup.list', { connectionId })).filter((b) => b.id === customBackup);
    expect(meta!.toolVersion).toMatch(/pg_dump \(PostgreSQL\) \d+/);
    expect(meta!.durationMs).toBeGreaterThan(0);
  });

  it('round-trips with plain SQL (.sql.gz) and psql', async () => {
    await roundTrip({ format: 'plain' }, { format: 'pg-plain-gz', toolMatch: /\/pg_dump$/ });
  });

  it('round-trips with the driver-level export when forced', async () => {
    await roundTrip({ via: 'driver' }, { format: 'driver-sql-gz', toolMatch: /^driver$/ });
  });

  it('restores into a second database (targetConnectionId)', async () => {
    const { jobId } = await jb.client.call('backup.restore', { backupId: customBackup, options: { targetConnectionId: secondId } });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(await pgSnapshot(pg.url!, SECOND)).toEqual(original);
  });

  it('backs up chosen tables only (type: table)', async () => {
    const { jobId } = await jb.client.call('backup.create', { connectionId, options: { type: 'table', tables: ['public.customers'], via: 'driver' } });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(done.metadata).toMatchObject({ type: 'table', tables: ['public.customers'] });
  });

  it('refuses to restore a PostgreSQL backup into a connection of another engine (INVALID_PARAMS)', async () => {
    const sqlite = (await jb.client.call('connection.create', { config: { name: 'other engine', type: 'sqlite', database: '/tmp/dbv-nonexistent.db' } })).id;
    expect(await jb.client.request('backup.restore', { backupId: customBackup, options: { targetConnectionId: sqlite } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS' },
    });
  });

  it('falls back to the driver-level export when no pg_dump was found at start, and says TOOL_NOT_FOUND only for via: tool', async () => {
    // A bridge whose PATH holds no tools (node itself is started by absolute path).
    const bare = await startJobBridge({ env: { PATH: '/nonexistent' } });
    try {
      const id = (await bare.client.call('connection.create', { config: { ...configFromUrl(pg.url!), name: 'no tools', type: 'postgres', database: SOURCE } })).id;
      const { jobId } = await bare.client.call('backup.create', { connectionId: id, options: {} });
      const done = await jobDone(bare.client, jobId);
      expect(done.status, JSON.stringify(done.error)).toBe('success');
      expect(done.metadata).toMatchObject({ format: 'driver-sql-gz', tool: 'driver', toolVersion: null });
      expect(await bare.client.request('backup.create', { connectionId: id, options: { via: 'tool' } })).toMatchObject({ ok: false, error: { code: 'TOOL_NOT_FOUND' } });
      // Its own backup restores without any tool.
      const restore = await bare.client.call('backup.restore', { backupId: done.metadata!.id });
      expect((await jobDone(bare.client, restore.jobId)).status).toBe('success');
      expect(await pgSnapshot(pg.url!, SOURCE)).toEqual(original);
    } finally {
      await bare.stop();
    }
  });
});
