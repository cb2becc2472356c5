/**
 * ConnectionCredentials on a real app.db and the in-memory secret backend: the failure paths an integration test
 * cannot provoke on demand — an app.db write failing after the secret write, a reconciliation arriving while a create
 * is between its two writes — and the reconciliation rules themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../supervisor/log/logger.js';
import { ConnectionCredentials, type CredentialVault } from '../../../supervisor/secrets/connection-credentials.js';
import { openSecretStore, type SecretStore } from '../../../supervisor/secrets/index.js';
import { openAppDb, type Db } from '../../../supervisor/store/app-store.js';
import { ConnectionsRepo } from '../../../supervisor/store/connections-repo.js';
import { SecretCleanupRepo } from '../../../supervisor/store/secret-cleanup-repo.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const sqlite = { name: 'c', type: 'sqlite' as const, database: ':memory:' };

let dir: string;
let db: Db;
let repo: ConnectionsRepo;
let cleanup: SecretCleanupRepo;
let store: SecretStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dbv-creds-unit-'));
  db = openAppDb(dir);
  repo = new ConnectionsRepo(db);
  cleanup = new SecretCleanupRepo(db);
  store = await openSecretStore({ dataDir: dir, testOnlyBackend: 'memory' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const credentials = (vault: CredentialVault = store, r: ConnectionsRepo = repo) => new ConnectionCredentials({ repo: r, cleanup, vault, log: silent });

describe('ConnectionCredentials', () => {
  it('puts the old secrets back when the app.db write after a secret change fails', async () => {
    const creds = credentials();
    const created = await creds.create(sqlite, { password: 'old-password' });
    const failing = Object.create(repo) as ConnectionsRepo;
    failing.update = () => {
      throw new Error('disk full');
    };
    await expect(credentials(store, failing).update(created.id, (stored) => ({ ...stored, name: 'x' }), { password: 'new-password', 'ssl.key': 'k' })).rejects.toThrow('disk full');
    expect(await store.getConnectionSecrets(created.id)).toEqual({ password: 'old-password' });
    expect(repo.get(created.id)).toMatchObject({ name: 'c', storedCredentials: true });
  });

  it('deletes the secrets it wrote when the row insert of a create fails, and journals nothing', async () => {
    const failing = Object.create(repo) as ConnectionsRepo;
    failing.insert = () => {
      throw new Error('disk full');
    };
    await expect(credentials(store, failing).create(sqlite, { password: 'p1234' }, 'conn_fail')).rejects.toThrow('disk full');
    expect(await store.hasConnectionSecrets('conn_fail')).toBe(false);
    expect(cleanup.list()).toEqual([]);
  });

  it('never writes secrets under the id of an existing connection', async () => {
    const creds = credentials();
    const existing = await creds.create(sqlite, { password: 'theirs' });
    await expect(creds.create(sqlite, { password: 'mine' }, existing.id)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await store.getConnectionSecrets(existing.id)).toEqual({ password: 'theirs' });
  });

  it('reconciles journaled ids only: removes secrets without a row, keeps a row\'s own, leaves unjournaled keys alone', async () => {
    await store.putConnectionSecrets('conn_orphan', { password: 'o1234' });
    cleanup.add('conn_orphan', 'create');
    const kept = await credentials().create(sqlite, { password: 'k1234' });
    cleanup.add(kept.id, 'create'); // a stale entry for a connection that exists
    await store.putConnectionSecrets('conn_other_data_dir', { password: 'x1234' });
    await credentials().reconcile();
    expect(await store.hasConnectionSecrets('conn_orphan')).toBe(false);
    expect(await store.getConnectionSecrets(kept.id)).toEqual({ password: 'k1234' });
    expect(await store.getConnectionSecrets('conn_other_data_dir')).toEqual({ password: 'x1234' });
    expect(cleanup.list()).toEqual([]);
  });

  it('runs a reconciliation only after a create that is between its secret write and its row insert', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const slow: CredentialVault = {
      status: () => store.status(),
      getConnectionSecrets: (id) => store.getConnectionSecrets(id),
      deleteConnectionSecrets: (id) => store.deleteConnectionSecrets(id),
      putConnectionSecrets: async (id, patch) => {
        await store.putConnectionSecrets(id, patch);
        written();
        await gate;
      },
    };
    const creds = credentials(slow);
    const creating = creds.create(sqlite, { password: 'in-flight' });
    await wrote;
    const reconciling = creds.reconcile();
    release();
    const created = await creating;
    await reconciling;
    expect(await store.getConnectionSecrets(created.id)).toEqual({ password: 'in-flight' });
    expect(cleanup.list()).toEqual([]);
  });
});
