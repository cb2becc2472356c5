/**
 * End to end: a real bridge process with a real secret store saves a PostgreSQL connection with a known password,
 * exercises every method that touches it, and the password must not show up anywhere a user, another process or
 * a backup could read it: RPC responses and events, debug.dumpState, the log files, app.db (rows and raw bytes,
 * WAL included), any file of the data dir, the bridge's output, and the argv/environment of the bridge and of
 * every process it started. Then the connection survives a restart from the secret store alone.
 *
 * Run under scripts/with-keyring.sh for the keychain variant (CI=true demands it); the encrypted-file variant runs
 * everywhere, with the D-Bus session hidden from the bridge so the keychain probe fails.
 * The local PostgreSQL uses trust auth, so any password logs in: the test proves where the password goes, and that
 * a restarted bridge finds it in the store (read back directly), not that PostgreSQL checked it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ConnectionConfig } from '../../../protocol/index.js';
import { openSecretStore, probeKeychain } from '../../../supervisor/secrets/index.js';
import { KeychainBackend } from '../../../supervisor/secrets/keychain-backend.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { descendantsOf, dumpSqlite, filesUnder, secretsIn, snapshotProcess, type ProcessSnapshot } from './leak-probes.js';

const unique = (label: string): string => `dbv-leak-${label}-${randomBytes(9).toString('hex')}`;
const KEYCHAIN_SERVICE = `dbv-test-leak-${process.pid}-${randomBytes(4).toString('hex')}`;
const keychainAvailable = await probeKeychain(KEYCHAIN_SERVICE);
const keychainRequired = process.env.CI === 'true';
const pg = await testDatabase('postgres');
const mysql = await testDatabase('mysql');

interface Variant {
  backend: 'keychain' | 'file';
  env: NodeJS.ProcessEnv;
  masterPassword?: string;
}

const keychainVariant = (): Variant => ({ backend: 'keychain', env: { DBV_KEYCHAIN_SERVICE: KEYCHAIN_SERVICE } });

const fileVariant = (): Variant => {
  const masterPassword = unique('master');
  return {
    backend: 'file',
    masterPassword,
    // No session bus (and an empty runtime dir) for the bridge: its keychain probe fails, the encrypted file is used.
    env: {
      DBV_KEYCHAIN_SERVICE: `${KEYCHAIN_SERVICE}-file`,
      DBV_MASTER_PASSWORD: masterPassword,
      DBUS_SESSION_BUS_ADDRESS: undefined,
      DBV_KEYRING_SESSION: undefined,
      XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'dbv-leak-runtime-')),
    },
  };
};

describe.skipIf(pg.skip)('secrets do not leak out of a running bridge', () => {
  describe.runIf(keychainAvailable || keychainRequired)('with the OS keychain', () => {
    it('has a usable keychain (CI=true demands it: run under scripts/with-keyring.sh)', () => {
      expect(keychainAvailable, 'no usable OS keychain: run the tests through scripts/with-keyring.sh').toBe(true);
    });
    if (keychainAvailable) leakScenario(keychainVariant());
  });

  describe('with the encrypted secrets file', () => leakScenario(fileVariant()));
});

function leakScenario(variant: Variant): void {
  const PASSWORD_1 = unique('pw1');
  const PASSWORD_2 = unique('pw2');
  /** Sent only where it fails: a wrong MariaDB password, a refused port. Drivers' error messages must not echo it. */
  const PASSWORD_FAIL = unique('pwfail');
  const APP_SECRET = unique('app');
  const APP_KEY = `integrations/leak-test-${randomBytes(4).toString('hex')}`;
  /** Must appear nowhere at all. */
  const never: Record<string, string> = {
    'first password': PASSWORD_1,
    'second password': PASSWORD_2,
    'failing password': PASSWORD_FAIL,
    ...(variant.masterPassword ? { 'master password': variant.masterPassword } : {}),
  };
  /** Must appear nowhere but in the one secret.get response that asked for it. */
  const stored: Record<string, string> = { ...never, 'app secret': APP_SECRET };

  const dataDir = mkdtempSync(join(tmpdir(), `dbv-leak-${variant.backend}-`));
  let bridge: BridgeProcess;
  let client: TestClient;
  let conn: Connection;
  const processes: ProcessSnapshot[] = [];
  let bridgeStopped = false;

  const pgConfig = (password: string): ConnectionConfig => {
    const { host, port, user, database } = configFromUrl(pg.url!, 'postgres');
    // A process worker: its password then crosses a process boundary, and that child's argv/env can be checked.
    return { name: 'leak test', type: 'postgres', host, port, user, database, password, extra: { isolation: 'process' } };
  };
  const snapshotTree = (): void => {
    for (const pid of [bridge.child.pid!, ...descendantsOf(bridge.child.pid!)]) {
      const snapshot = snapshotProcess(pid);
      if (snapshot) processes.push(snapshot);
    }
  };
  const openStore = async () => {
    const store = await openSecretStore({
      dataDir,
      service: variant.env.DBV_KEYCHAIN_SERVICE!,
      preferKeychain: variant.backend === 'keychain',
      ...(variant.masterPassword ? { masterPassword: variant.masterPassword } : {}),
    });
    expect(store.status()).toEqual({ backend: variant.backend, locked: false });
    return store;
  };
  const start = (): Promise<BridgeProcess> => startBridgeProcess({ dataDir, args: ['--log-level', 'debug', '--no-ui', '--enable-debug'], env: variant.env });

  beforeAll(async () => {
    bridge = await start();
    client = await connectWs(bridge.ready.url, bridge.token);
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (!bridgeStopped) await bridge?.stop({ keepDataDir: true });
    rmSync(dataDir, { recursive: true, force: true });
    if (typeof variant.env.XDG_RUNTIME_DIR === 'string') rmSync(variant.env.XDG_RUNTIME_DIR, { recursive: true, force: true });
  });

  it(`uses the ${variant.backend} backend`, async () => {
    expect(await client.call('secret.status', {})).toEqual({ backend: variant.backend, locked: false });
  });

  it('exercises every method that touches the credentials', async () => {
    conn = await client.call('connection.create', { config: pgConfig(PASSWORD_1) });
    expect(conn.storedCredentials).toBe(true);

    expect(await client.call('connection.test', { connectionId: conn.id })).toMatchObject({ ok: true });
    expect(await client.call('connection.test', { config: pgConfig(PASSWORD_1) })).toMatchObject({ ok: true });
    const schemas = await client.call('metadata.listSchemas', { connectionId: conn.id });
    expect(JSON.stringify(schemas)).toContain('public');

    const { sessionId } = await client.call('query.createSession', { connectionId: conn.id });
    const { runId } = await client.call('query.run', { sessionId, sql: "select current_user as who, 'leak-test' as tag" });
    const run = await client.collectRun(runId);
    expect(run.done.status).toBe('success');
    snapshotTree(); // the process worker holds PASSWORD_1 now
    expect(processes.length, 'the bridge and its process worker').toBeGreaterThanOrEqual(2);
    await client.call('query.closeSession', { sessionId });

    const updated = await client.call('connection.update', { id: conn.id, config: { password: PASSWORD_2 } });
    expect(updated.storedCredentials).toBe(true);
    expect(await client.call('connection.test', { connectionId: conn.id })).toMatchObject({ ok: true });
    snapshotTree(); // a fresh worker, holding PASSWORD_2

    expect(await client.call('connection.get', { id: conn.id })).toMatchObject({ id: conn.id, storedCredentials: true });
    expect((await client.call('connection.list', {})).map((c) => c.id)).toContain(conn.id);
    const dump = await client.call('debug.dumpState', {});
    expect(secretsIn(JSON.stringify(dump), stored)).toEqual([]);

    // Failure paths, where a driver might echo its config: a refused port, and (with MariaDB) a wrong password.
    const refused = await client.call('connection.test', { config: { ...pgConfig(PASSWORD_FAIL), port: 1 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DB_CONN_REFUSED' } });
    const refusedConn = await client.call('connection.create', { config: { ...pgConfig(PASSWORD_FAIL), name: 'refused', port: 1 } });
    expect(await client.request('metadata.listSchemas', { connectionId: refusedConn.id })).toMatchObject({ ok: false, error: { code: 'DB_CONN_REFUSED' } });
    await client.call('connection.delete', { id: refusedConn.id });
    if (!mysql.skip) {
      const { host, port, database } = configFromUrl(mysql.url!, 'test');
      const wrong: ConnectionConfig = { name: 'wrong password', type: 'mysql', host, port, user: 'root', database, password: PASSWORD_FAIL };
      expect(await client.call('connection.test', { config: wrong })).toMatchObject({ ok: false, error: { code: 'DB_AUTH_FAILED' } });
      const wrongConn = await client.call('connection.create', { config: wrong });
      expect(await client.request('query.createSession', { connectionId: wrongConn.id })).toMatchObject({ ok: false });
      expect(await client.request('metadata.listSchemas', { connectionId: wrongConn.id })).toMatchObject({ ok: false, error: { code: 'DB_AUTH_FAILED' } });
      await client.call('connection.delete', { id: wrongConn.id });
    }

    await client.call('secret.store', { key: APP_KEY, value: APP_SECRET });
    expect(await client.call('secret.get', { key: APP_KEY })).toEqual({ value: APP_SECRET });

    for (const key of [`connection/${conn.id}/password`, `connection/${conn.id}/ssl.key`, 'connection/']) {
      const answer = await client.request('secret.get', { key });
      expect(answer, key).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // Nor can a client overwrite or delete a connection's credentials through secret.*.
    expect(await client.request('secret.store', { key: `connection/${conn.id}/password`, value: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await client.request('secret.delete', { key: `connection/${conn.id}/password` })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }, 120_000);

  it('sends no password in any response or notification; the app secret only in its one secret.get response', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200)); // late events (connector.status…)
    expect(client.messages.length).toBeGreaterThan(10);
    const leaks = client.messages.flatMap((message, i) => secretsIn(JSON.stringify(message), never).map((name) => `${name} in message #${i}`));
    expect(leaks).toEqual([]);
    const withAppSecret = client.messages.filter((message) => JSON.stringify(message).includes(APP_SECRET));
    expect(withAppSecret).toEqual([{ jsonrpc: '2.0', id: expect.any(Number), result: { ok: true, data: { value: APP_SECRET } } }]);
  });

  it('puts no secret in the argv of the bridge or any descendant, nor in the environment of any descendant', () => {
    const bridgePid = bridge.child.pid!;
    for (const snapshot of processes) {
      expect(secretsIn(snapshot.cmdline, { ...stored, token: bridge.token }), `argv of pid ${snapshot.pid}: ${snapshot.cmdline}`).toEqual([]);
      // The bridge's own environment is what its parent gave it (DBV_TOKEN, DBV_MASTER_PASSWORD): out of scope.
      if (snapshot.pid === bridgePid) continue;
      // From source, tsx (not the product) runs an esbuild service it spawns while loading the supervisor's modules,
      // before main.ts can drop DBV_TOKEN / DBV_MASTER_PASSWORD from process.env. A built bridge has no such child.
      if (isTsxEsbuildService(snapshot)) continue;
      const leakingVars = snapshot.environ.split('\n').filter((pair) => secretsIn(pair, { ...stored, token: bridge.token }).length > 0).map((pair) => pair.split('=')[0]);
      expect(leakingVars, `environment of pid ${snapshot.pid} (${snapshot.cmdline.slice(0, 200)})`).toEqual([]);
    }
    expect(processes.some((p) => p.pid !== bridgePid && p.cmdline.includes('connection-worker')), 'a process worker was seen').toBe(true);
  });

  it('keeps app.db free of secrets, read through SQLite and as raw bytes (WAL included), while running', () => {
    const appDb = join(dataDir, 'app.db');
    expect(existsSync(appDb)).toBe(true);
    for (const [table, text] of dumpSqlite(appDb)) expect(secretsIn(text, stored), `table ${table}`).toEqual([]);
    expect(dumpSqlite(appDb).get('connections') ?? '').toContain(conn.id);
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      if (existsSync(appDb + suffix)) expect(secretsIn(readFileSync(appDb + suffix), stored), `app.db${suffix}`).toEqual([]);
    }
  });

  it('writes no secret to the logs or any other file of the data dir, nor to its output (checked after a clean stop)', async () => {
    await client.close();
    expect(await bridge.stop({ keepDataDir: true })).toBe(0);
    bridgeStopped = true;
    const files = filesUnder(dataDir);
    const logs = files.filter((f) => f.path.startsWith(join(dataDir, 'logs')));
    expect(logs.length, 'log files under <dataDir>/logs').toBeGreaterThan(0);
    const logText = logs.map((f) => f.bytes.toString('utf8')).join('');
    expect(logText, 'the debug log has records').toMatch(/"msg":/);
    for (const file of files) expect(secretsIn(file.bytes, stored), file.path).toEqual([]);
    expect(secretsIn(bridge.output(), stored), 'bridge stderr').toEqual([]);
  });

  it('restarts from the same data dir and secret store: the connection still has its password and connects', async () => {
    // While no bridge runs, the store (read directly, as the bridge reads it at connect time) holds the new password.
    const offline = await openStore();
    expect(await offline.getConnectionSecrets(conn.id)).toEqual({ password: PASSWORD_2 });
    offline.lock();

    bridge = await start();
    bridgeStopped = false;
    client = await connectWs(bridge.ready.url, bridge.token);
    expect(await client.call('connection.get', { id: conn.id })).toMatchObject({ id: conn.id, storedCredentials: true });
    expect(await client.call('connection.test', { connectionId: conn.id })).toMatchObject({ ok: true });
    expect(await client.call('secret.get', { key: APP_KEY })).toEqual({ value: APP_SECRET });
    const withoutSecretGet = client.messages.filter((m) => !JSON.stringify(m).includes(`"value":"${APP_SECRET}"`));
    expect(secretsIn(JSON.stringify(withoutSecretGet), stored)).toEqual([]);
    for (const [table, text] of dumpSqlite(join(dataDir, 'app.db'))) expect(secretsIn(text, stored), `table ${table}`).toEqual([]);

    // Clean up through the API: deleting the connection deletes its credentials from the store.
    await client.call('connection.delete', { id: conn.id });
    expect(await client.call('secret.delete', { key: APP_KEY })).toEqual({ deleted: true });
    await client.close();
    expect(await bridge.stop({ keepDataDir: true })).toBe(0);
    bridgeStopped = true;
  }, 120_000);

  it('leaves nothing of the connection or the app secret in the store after their delete', async () => {
    const store = await openStore();
    expect(await store.hasConnectionSecrets(conn.id)).toBe(false);
    expect(await store.get(APP_KEY)).toBeNull();
    if (variant.backend === 'keychain') expect(await new KeychainBackend(KEYCHAIN_SERVICE).keys('')).toEqual([]);
  });
}


function isTsxEsbuildService(snapshot: ProcessSnapshot): boolean {
  return /\/esbuild --service=/.test(snapshot.cmdline);
}
