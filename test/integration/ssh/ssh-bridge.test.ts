/**
 * The host-key flow end to end, through a real bridge process and a real sshd: connection.test of an SSH config
 * reports the unknown host key as a failed `ssh` hop with its fingerprint; connection.trustHostKey pins it (in
 * `<dataDir>/known_hosts`); the next test passes every hop, and a saved connection whose SSH password lives in the
 * secret store runs a query through the tunnel — the password never in a response, the bridge's files or argv.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { sshdAvailable, startSshd, type TestSshd } from '../../helpers/sshd.js';

const canRun = sshdAvailable();
const db = await testDatabase('postgres');

describe.skipIf(!canRun || db.skip)('SSH host keys through the bridge', () => {
  let sshd: TestSshd;
  let bridge: BridgeProcess;
  let client: TestClient;
  let config: ConnectionConfig;

  beforeAll(async () => {
    sshd = await startSshd();
    // The encrypted secrets file (no D-Bus session), so the test needs no keychain.
    bridge = await startBridgeProcess({ args: ['--no-sample'], env: { DBV_MASTER_PASSWORD: 'dbv-ssh-test-master', DBUS_SESSION_BUS_ADDRESS: undefined } });
    client = await connectWs(bridge.ready.url, bridge.token);
    config = {
      ...configFromUrl(db.url!, 'through bastion'),
      ssh: { host: sshd.host, port: sshd.port, user: sshd.user, password: sshd.password },
      extra: { connectTimeoutMs: 8000 },
    };
  });
  afterAll(async () => {
    await client?.close();
    await bridge?.stop();
    await sshd?.stop();
  });

  it('reports an unknown host key as the failed ssh hop, with the fingerprint to pin', async () => {
    const result = await client.call('connection.test', { config });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'SSH_HOST_UNKNOWN', details: { fingerprint: sshd.fingerprint, host: sshd.host, port: sshd.port } });
    expect(result.hops).toEqual([expect.objectContaining({ hop: 'ssh', ok: false })]);
  });

  it('pins the key with connection.trustHostKey; then every hop passes', async () => {
    const pinned = await client.call('connection.trustHostKey', { host: sshd.host, port: sshd.port, fingerprint: sshd.fingerprint });
    expect(pinned).toEqual({ host: sshd.host, port: sshd.port, fingerprint: sshd.fingerprint });
    expect(readFileSync(join(bridge.dataDir, 'known_hosts'), 'utf8')).toContain(`[${sshd.host}]:${sshd.port} ${sshd.fingerprint}`);
    const result = await client.call('connection.test', { config });
    expect(result.ok).toBe(true);
    expect(result.hops?.map((h) => [h.hop, h.ok])).toEqual([['ssh', true], ['database', true]]);
  });

  it('a saved connection with its SSH password in the secret store queries through the tunnel', async () => {
    const saved = await client.call('connection.create', { config });
    expect(saved.ssh).toEqual({ host: sshd.host, port: sshd.port, user: sshd.user });
    expect(JSON.stringify(saved)).not.toContain(sshd.password);
    const tested = await client.call('connection.test', { connectionId: saved.id });
    expect(tested.hops?.map((h) => h.hop)).toEqual(['ssh', 'database']);
    const { sessionId } = await client.call('query.createSession', { connectionId: saved.id });
    const { runId } = await client.call('query.run', { sessionId, sql: `SELECT inet_client_addr()::text AS via`, opts: { rowFormat: 'array' } });
    const done = await client.waitFor<{ runId: string; status: string }>('query.done', (d) => d.runId === runId);
    expect(done.status).toBe('success');
    expect(sshd.log()).toMatch(new RegExp(`Accepted password for ${sshd.user}`));
    await client.call('query.closeSession', { sessionId });
  });

  it('ends a run with query.error DB_CONN_LOST when the tunnel dies mid-query; the next session queries through a new tunnel', async () => {
    const saved = await client.call('connection.create', { config: { ...config, name: 'killed tunnel' } });
    const first = await client.call('query.createSession', { connectionId: saved.id });
    const { runId } = await client.call('query.run', { sessionId: first.sessionId, sql: 'SELECT pg_sleep(20)' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sshd.killConnections()).toBeGreaterThan(0);
    const failed = await client.waitFor<{ runId: string; error: { code: string } }>('query.error', (e) => e.runId === runId, 15_000);
    expect(failed.error.code).toBe('DB_CONN_LOST');
    await client.call('query.closeSession', { sessionId: first.sessionId });
    const next = await client.call('query.createSession', { connectionId: saved.id });
    const again = await client.call('query.run', { sessionId: next.sessionId, sql: 'SELECT 1' });
    const done = await client.waitFor<{ runId: string; status: string }>('query.done', (d) => d.runId === again.runId, 15_000);
    expect(done.status).toBe('success');
    await client.call('query.closeSession', { sessionId: next.sessionId });
  });

  it('pins by saved connection, and reports a pin that replaced another', async () => {
    const saved = await client.call('connection.create', { config: { ...config, name: 'second' } });
    const replaced = await client.call('connection.trustHostKey', { connectionId: saved.id, fingerprint: sshd.otherFingerprint });
    expect(replaced).toEqual({ host: sshd.host, port: sshd.port, fingerprint: sshd.otherFingerprint, replaced: sshd.fingerprint });
    const result = await client.call('connection.test', { connectionId: saved.id });
    expect(result.error?.code).toBe('SSH_HOST_KEY_CHANGED');
    await client.call('connection.trustHostKey', [saved.id, sshd.fingerprint] as never);
    expect((await client.call('connection.test', { connectionId: saved.id })).ok).toBe(true);
  });

  it('never puts the SSH password in the data dir or a process argv', async () => {
    for (const file of readdirSync(bridge.dataDir, { recursive: true }) as string[]) {
      if (file === 'secrets.enc') continue; // encrypted
      let text: string;
      try {
        text = readFileSync(join(bridge.dataDir, file), 'latin1');
      } catch {
        continue; // a directory
      }
      expect(text, file).not.toContain(sshd.password);
    }
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let argv = '';
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      expect(argv).not.toContain(sshd.password);
    }
  });
});
