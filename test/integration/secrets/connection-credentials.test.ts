/**
 * connection.create / update / delete are all or nothing across app.db and the secret store, on every backend: the
 * OS keychain (under scripts/with-keyring.sh; CI=true demands it), and the encrypted file unlocked and locked.
 * - A connection without stored secrets never needs the store: with the file locked it is created, renamed and
 *   deleted normally (the bug: update answered SECRET_LOCKED, delete did too — after deleting the row).
 * - A change that needs a locked store answers SECRET_LOCKED and changes nothing.
 * - Deleting a connection whose secrets a locked store cannot delete yet deletes the row and removes the secrets at
 *   the next unlock.
 * - A real SIGKILL of the built bridge between the secret write and the row insert of connection.create leaves an
 *   orphaned secret, which the next start removes (and logs by id, never by value).
 * The connections are SQLite ones (`:memory:`): the secret store treats every type alike, and these tests need no
 * database server.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { openSecretStore, probeKeychain, type SecretStore } from '../../../supervisor/secrets/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { filesUnder } from '../security/leak-probes.js';

const KEYCHAIN_SERVICE = `dbv-test-creds-${process.pid}-${randomBytes(4).toString('hex')}`;
const keychainAvailable = await probeKeychain(KEYCHAIN_SERVICE);
const keychainRequired = process.env.CI === 'true';
const unique = (label: string): string => `dbv-creds-${label}-${randomBytes(9).toString('hex')}`;

type Backend = 'keychain' | 'file';

/** One data dir and how to start a bridge on it, with the keychain or (no D-Bus session) the encrypted file. */
class Fixture {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'dbv-creds-'));
  readonly runtimeDir = mkdtempSync(join(tmpdir(), 'dbv-creds-runtime-'));
  readonly service = `${KEYCHAIN_SERVICE}-${randomBytes(3).toString('hex')}`;
  readonly masterPassword = unique('master');
  bridge: BridgeProcess | undefined;
  client: TestClient | undefined;

  constructor(readonly backend: Backend) {}

  env(unlocked: boolean, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { DBV_KEYCHAIN_SERVICE: this.service, DBV_MASTER_PASSWORD: undefined, ...extra };
    if (this.backend === 'file') {
      Object.assign(env, { DBUS_SESSION_BUS_ADDRESS: undefined, DBV_KEYRING_SESSION: undefined, XDG_RUNTIME_DIR: this.runtimeDir });
      if (unlocked) env.DBV_MASTER_PASSWORD = this.masterPassword;
    }
    return env;
  }

  async start(opts: { unlocked?: boolean; args?: string[]; env?: NodeJS.ProcessEnv; fromDist?: boolean } = {}): Promise<TestClient> {
    this.bridge = await startBridgeProcess({
      dataDir: this.dataDir,
      args: ['--no-ui', '--no-sample', ...(opts.args ?? [])],
      env: this.env(opts.unlocked ?? true, opts.env),
      ...(opts.fromDist ? { fromDist: true } : {}),
    });
    this.client = await connectWs(this.bridge.ready.url, this.bridge.token);
    return this.client;
  }

  async stop(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    if (this.bridge) expect(await this.bridge.stop({ keepDataDir: true })).toBe(0);
    this.client = this.bridge = undefined;
  }

  /** The store as the bridge sees it, opened directly (unlocked). */
  async store(): Promise<SecretStore> {
    const store = await openSecretStore({
      dataDir: this.dataDir,
      service: this.service,
      preferKeychain: this.backend === 'keychain',
      masterPassword: this.masterPassword,
    });
    expect(store.status()).toEqual({ backend: this.backend, locked: false });
    return store;
  }

  /** The secret_cleanup journal in app.db (read while the bridge may run: WAL allows it). */
  journal(): string[] {
    const db = new Database(join(this.dataDir, 'app.db'), { readonly: true });
    try {
      return (db.prepare('SELECT connection_id FROM secret_cleanup').all() as { connection_id: string }[]).map((r) => r.connection_id);
    } finally {
      db.close();
    }
  }

  logText(): string {
    return filesUnder(join(this.dataDir, 'logs'))
      .map((f) => f.bytes.toString('utf8'))
      .join('');
  }

  async dispose(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    await this.bridge?.stop({ keepDataDir: true }).catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.runtimeDir, { recursive: true, force: true });
  }
}

const sqlite = (name: string, extra: Partial<ConnectionConfig> = {}): ConnectionConfig => ({ name, type: 'sqlite', database: ':memory:', ...extra });

const variants: Array<[string, Backend]> = [
  ...(keychainAvailable || keychainRequired ? ([['the OS keychain', 'keychain']] as Array<[string, Backend]>) : []),
  ['the unlocked encrypted file', 'file'],
];

describe.each(variants)('connection CRUD on %s', (_name, backend) => {
  const fx = new Fixture(backend);
  let c: TestClient;
  beforeAll(async () => {
    if (backend === 'keychain') expect(keychainAvailable, 'no usable OS keychain: run under scripts/with-keyring.sh').toBe(true);
    c = await fx.start();
    expect(await c.call('secret.status', {})).toEqual({ backend, locked: false });
  });
  afterAll(() => fx.dispose());

  it('creates, renames and deletes a connection without secrets', async () => {
    const created = await c.call('connection.create', { config: sqlite('plain') });
    expect(created.storedCredentials).toBe(false);
    expect(await c.call('connection.update', { id: created.id, config: { name: 'plain renamed' } })).toMatchObject({ name: 'plain renamed', storedCredentials: false });
    // '' for a password the connection never had changes nothing in the store.
    expect(await c.call('connection.update', { id: created.id, config: { password: '' } })).toMatchObject({ storedCredentials: false });
    expect(await c.call('connection.delete', { id: created.id })).toEqual({});
    expect(await c.request('connection.get', { id: created.id })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });

  it('keeps secrets in step with the row through create, update and delete', async () => {
    const pw1 = unique('pw1');
    const pw2 = unique('pw2');
    const created = await c.call('connection.create', { config: sqlite('secret', { password: pw1 }) });
    expect(created.storedCredentials).toBe(true);
    const store = await fx.store();
    expect(await store.getConnectionSecrets(created.id)).toEqual({ password: pw1 });

    expect(await c.call('connection.update', { id: created.id, config: { name: 'secret renamed' } })).toMatchObject({ storedCredentials: true });
    expect(await store.getConnectionSecrets(created.id)).toEqual({ password: pw1 });
    await c.call('connection.update', { id: created.id, config: { password: pw2 } });
    expect(await store.getConnectionSecrets(created.id)).toEqual({ password: pw2 });
    expect(await c.call('connection.update', { id: created.id, config: { password: '' } })).toMatchObject({ storedCredentials: false });
    expect(await store.hasConnectionSecrets(created.id)).toBe(false);
    expect(await c.call('connection.update', { id: created.id, config: { password: pw1 } })).toMatchObject({ storedCredentials: true });

    await c.call('connection.delete', { id: created.id });
    expect(await store.hasConnectionSecrets(created.id)).toBe(false);
    expect(await c.request('connection.get', { id: created.id })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    expect(fx.journal()).toEqual([]);
    store.lock();
  });
});

describe('connection CRUD on the locked encrypted file', () => {
  const fx = new Fixture('file');
  const password = unique('pw');
  let c: TestClient;
  let withSecret: string;

  beforeAll(async () => {
    // A connection with a stored password, saved while the file was unlocked.
    const first = await fx.start({ unlocked: true });
    withSecret = (await first.call('connection.create', { config: sqlite('with secret', { password }) })).id;
    await fx.stop();
    c = await fx.start({ unlocked: false });
    expect(await c.call('secret.status', {})).toEqual({ backend: 'file', locked: true });
  });
  afterAll(() => fx.dispose());

  it('creates, renames, updates and deletes a connection without secrets (the store is never asked)', async () => {
    const created = await c.call('connection.create', { config: sqlite('plain') });
    expect(created.storedCredentials).toBe(false);
    expect(await c.call('connection.update', { id: created.id, config: { name: 'plain renamed', extra: { readOnly: false } } })).toMatchObject({
      name: 'plain renamed',
      storedCredentials: false,
    });
    expect(await c.call('connection.update', { id: created.id, config: { password: '' } })).toMatchObject({ storedCredentials: false });
    expect(await c.call('connection.delete', { id: created.id })).toEqual({});
    expect(await c.request('connection.get', { id: created.id })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });

  it('refuses to create a connection with a secret, and saves nothing', async () => {
    const before = await c.call('connection.list', {});
    expect(await c.request('connection.create', { config: sqlite('locked create', { password: unique('x') }) })).toMatchObject({
      ok: false,
      error: { code: 'SECRET_LOCKED' },
    });
    expect(await c.call('connection.list', {})).toEqual(before);
    expect(fx.journal()).toEqual([]);
  });

  it('renames a connection with stored secrets without the store; refuses a secret change whole', async () => {
    expect(await c.call('connection.update', { id: withSecret, config: { name: 'renamed while locked' } })).toMatchObject({
      name: 'renamed while locked',
      storedCredentials: true,
    });
    for (const config of [{ name: 'not applied', password: unique('y') }, { name: 'not applied', password: '' }]) {
      expect(await c.request('connection.update', { id: withSecret, config })).toMatchObject({ ok: false, error: { code: 'SECRET_LOCKED' } });
      expect(await c.call('connection.get', { id: withSecret })).toMatchObject({ name: 'renamed while locked', storedCredentials: true });
    }
  });

  it('deletes a connection with stored secrets at once, and its secrets at the next unlock', async () => {
    expect(await c.call('connection.delete', { id: withSecret })).toEqual({});
    expect(await c.request('connection.get', { id: withSecret })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    expect(fx.journal()).toEqual([withSecret]);
    const store = await fx.store();
    expect(await store.getConnectionSecrets(withSecret), 'kept, encrypted, until the bridge can delete it').toEqual({ password });
    store.lock();

    expect(await c.call('secret.unlock', { masterPassword: fx.masterPassword })).toEqual({});
    expect(fx.journal()).toEqual([]);
    const after = await fx.store();
    expect(await after.hasConnectionSecrets(withSecret)).toBe(false);
    after.lock();
    await fx.stop();
    expect(fx.logText()).toContain(withSecret);
    expect(fx.logText()).not.toContain(password);
  });
});

describe.each(variants)('a SIGKILL of the built bridge in the middle of connection.create, on %s', (_name, backend) => {
  const fx = new Fixture(backend);
  afterAll(() => fx.dispose());

  it('leaves an orphaned secret that the next start removes, logging its id and never its value', async () => {
    const password = unique('orphan');
    const c = await fx.start({
      fromDist: true,
      args: ['--enable-fault-injection'],
      env: { DBV_FAULT_POINTS: 'connection.create:after-secrets' },
    });
    const child = fx.bridge!.child;
    const exited = once(child, 'exit');
    const answer = c.request('connection.create', { config: sqlite('never saved', { password }) }).then(
      () => 'answered',
      () => 'no answer',
    );
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(await answer).toBe('no answer');
    fx.client = fx.bridge = undefined;

    // The crash came between the two writes: a journaled id, no row, and its secret in the store.
    const [orphan] = fx.journal();
    expect(orphan).toMatch(/^conn_/);
    const store = await fx.store();
    expect(await store.getConnectionSecrets(orphan!)).toEqual({ password });
    store.lock();

    const restarted = await fx.start({ fromDist: true });
    expect(await restarted.call('connection.list', {})).toEqual([]);
    expect(fx.journal()).toEqual([]);
    const after = await fx.store();
    expect(await after.hasConnectionSecrets(orphan!)).toBe(false);
    after.lock();
    await fx.stop();
    const log = fx.logText();
    expect(log).toMatch(new RegExp(`"connectionId":"${orphan}"[^\\n]*orphaned`));
    expect(log).not.toContain(password);
  }, 60_000);
});
