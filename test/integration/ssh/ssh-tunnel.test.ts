/**
 * PostgreSQL and MariaDB through a real OpenSSH server (test/helpers/sshd.ts) on a loopback port: key, encrypted key
 * and password authentication; the host-key checks (unknown → SSH_HOST_UNKNOWN with the fingerprint, pinned → works,
 * changed → SSH_HOST_KEY_CHANGED); a tunnel killed mid-query → DB_CONN_LOST, and the next query reconnects through a
 * new tunnel; the local port forward dump tools use; agent authentication; an unreachable bastion (SSH_FAILED) and a
 * database the bastion cannot reach (DB_CONN_REFUSED on the ssh hop). Every database connection goes through the tunnel: the tests
 * read the server's view of the client address and sshd's own log of forwarded channels.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, type ConnectionConfig } from '../../../protocol/index.js';
import type { Connector } from '../../../workers/connectors/connector.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { routeThroughTunnel } from '../../../workers/connectors/network-config.js';
import { openLocalForward } from '../../../workers/connectors/ssh/local-forward.js';
import { SshTunnel } from '../../../workers/connectors/ssh/ssh-tunnel.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { freePort } from '../../helpers/local-system.js';
import { sshdAvailable, startSshd, type TestSshd } from '../../helpers/sshd.js';
import { collect, firstCell, knownHosts, runOptions, tunneled, type SshAuth } from './tunnel-fixture.js';

const canRun = sshdAvailable();
const pgDb = await testDatabase('postgres');
const myDb = await testDatabase('mysql');

const KINDS = [
  { name: 'PostgreSQL', db: pgDb, create: createPostgresConnector, sleep: 'SELECT pg_sleep(30)' },
  { name: 'MariaDB', db: myDb, create: createMysqlConnector, sleep: 'SELECT SLEEP(30)' },
] as const;

async function failure(work: () => Promise<unknown>): Promise<BridgeError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return error as BridgeError;
  }
  throw new Error('expected a failure');
}

describe.skipIf(!canRun)('SSH tunnels to a real sshd', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  describe.each(KINDS)('$name', ({ db, create, sleep }) => {
    const base = (): ConnectionConfig => configFromUrl(db.url!);

    it.each<SshAuth>(['key', 'encrypted-key', 'password'])('connects through the tunnel with %s authentication', async (auth) => {
      const { config, tunnel } = tunneled(base(), sshd, auth, knownHosts(sshd, `pinned-${auth}`, sshd.fingerprint));
      const connector = create(config);
      try {
        const result = await connector.testConnection();
        expect(result.ok).toBe(true);
        expect(tunnel.connected).toBe(true);
        await connector.openSession('s1');
        const batches = await collect(connector.runQuery('s1', 'SELECT 41 + 1', runOptions()));
        expect(String(firstCell(batches))).toBe('42');
      } finally {
        await connector.close();
        tunnel.close();
      }
      // sshd logged the forwarded channels this test opened (LogLevel VERBOSE).
      expect(sshd.log()).toMatch(new RegExp(`Accepted ${auth === 'password' ? 'password' : 'publickey'} for ${sshd.user}`));
    });

    it('refuses an unknown host key with SSH_HOST_UNKNOWN carrying its SHA256 fingerprint', async () => {
      const { config, tunnel } = tunneled(base(), sshd, 'key', knownHosts(sshd, 'empty'));
      const connector = create(config);
      try {
        const error = await failure(() => connector.testConnection());
        expect(error.code).toBe('SSH_HOST_UNKNOWN');
        expect(error.details).toMatchObject({ hop: 'ssh', host: sshd.host, port: sshd.port, fingerprint: sshd.fingerprint, keyType: 'ssh-ed25519' });
        expect(error.message).toContain(sshd.fingerprint);
      } finally {
        await connector.close();
        tunnel.close();
      }
    });

    it('refuses a changed host key with SSH_HOST_KEY_CHANGED', async () => {
      const { config, tunnel } = tunneled(base(), sshd, 'key', knownHosts(sshd, 'changed', sshd.otherFingerprint));
      const connector = create(config);
      try {
        const error = await failure(() => connector.testConnection());
        expect(error.code).toBe('SSH_HOST_KEY_CHANGED');
        expect(error.details).toMatchObject({ fingerprint: sshd.fingerprint, pinnedFingerprint: sshd.otherFingerprint });
      } finally {
        await connector.close();
        tunnel.close();
      }
    });

    it('reports a wrong password as SSH_AUTH_FAILED without the password', async () => {
      const { config, tunnel } = tunneled(base(), sshd, 'password', knownHosts(sshd, 'pinned-wrong', sshd.fingerprint));
      config.ssh!.password = 'not-the-password-7d1c';
      const connector = create(config);
      try {
        const error = await failure(() => connector.testConnection());
        expect(error.code).toBe('SSH_AUTH_FAILED');
        expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('not-the-password-7d1c');
      } finally {
        await connector.close();
        tunnel.close();
      }
    });

    it('reports a wrong passphrase as SSH_AUTH_FAILED without the passphrase', async () => {
      const { config, tunnel } = tunneled(base(), sshd, 'encrypted-key', knownHosts(sshd, 'pinned-pp', sshd.fingerprint));
      config.ssh!.passphrase = 'wrong-passphrase-51ab';
      const connector = create(config);
      try {
        const error = await failure(() => connector.testConnection());
        expect(error.code).toBe('SSH_AUTH_FAILED');
        expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('wrong-passphrase-51ab');
      } finally {
        await connector.close();
        tunnel.close();
      }
    });

    it('gives DB_CONN_LOST when the tunnel dies mid-query, and the next query reconnects', async () => {
      const { config, tunnel } = tunneled(base(), sshd, 'key', knownHosts(sshd, 'pinned-kill', sshd.fingerprint));
      const connector: Connector = create(config);
      try {
        await connector.openSession('long');
        const running = collect(connector.runQuery('long', sleep, runOptions()));
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(sshd.killConnections()).toBeGreaterThan(0);
        const error = await failure(() => running);
        expect(error.code).toBe('DB_CONN_LOST');
        await connector.closeSession('long').catch(() => undefined);
        // A new session: a new database connection, through a tunnel opened again.
        await connector.openSession('next');
        const batches = await collect(connector.runQuery('next', 'SELECT 7', runOptions()));
        expect(String(firstCell(batches))).toBe('7');
        expect(tunnel.connected).toBe(true);
      } finally {
        await connector.close();
        tunnel.close();
      }
    });
  });

  describe.skipIf(pgDb.skip)('other ways in and out', () => {
    it('authenticates through an SSH agent (SSH_AUTH_SOCK)', async () => {
      const socket = join(sshd.dir, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      const saved = process.env.SSH_AUTH_SOCK;
      try {
        for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 100));
        const keyFile = join(sshd.dir, 'agent_key');
        writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
        execFileSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
        process.env.SSH_AUTH_SOCK = socket;
        const { config, tunnel } = tunneled(configFromUrl(pgDb.url!), sshd, 'key', knownHosts(sshd, 'pinned-agent', sshd.fingerprint));
        config.ssh = { host: sshd.host, port: sshd.port, user: sshd.user, agent: true };
        tunnel.close();
        const viaAgent = new SshTunnel({ ssh: config.ssh, knownHostsPath: join(sshd.dir, 'pinned-agent'), connectTimeoutMs: 8000 });
        routeThroughTunnel(config, viaAgent);
        const connector = createPostgresConnector(config);
        try {
          expect((await connector.testConnection()).ok).toBe(true);
        } finally {
          await connector.close();
          viaAgent.close();
        }
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = saved;
        agent.kill();
      }
    });

    it('reports an unreachable bastion as SSH_FAILED with the socket code', async () => {
      const port = await freePort();
      const tunnel = new SshTunnel({ ssh: { host: '127.0.0.1', port, user: 'x', password: 'y' }, connectTimeoutMs: 3000 });
      const error = await failure(() => tunnel.connect());
      expect(error.code).toBe('SSH_FAILED');
      expect(error.details).toMatchObject({ hop: 'ssh', host: '127.0.0.1', port, code: 'ECONNREFUSED' });
    });

    it('reports a database the bastion cannot reach as DB_CONN_REFUSED on the ssh hop', async () => {
      const closed = await freePort();
      const { config, tunnel } = tunneled({ ...configFromUrl(pgDb.url!), port: closed }, sshd, 'key', knownHosts(sshd, 'pinned-closed', sshd.fingerprint));
      const connector = createPostgresConnector(config);
      try {
        const error = await failure(() => connector.testConnection());
        expect(error.code).toBe('DB_CONN_REFUSED');
        expect(error.details).toMatchObject({ hop: 'ssh', port: closed });
      } finally {
        await connector.close();
        tunnel.close();
      }
    });
  });

  describe.skipIf(pgDb.skip)('local port forward (for dump tools)', () => {
    it('forwards a loopback port to PostgreSQL through the tunnel', async () => {
      const base = configFromUrl(pgDb.url!);
      const { config, tunnel } = tunneled(base, sshd, 'key', knownHosts(sshd, 'pinned-forward', sshd.fingerprint));
      tunnel.close(); // openLocalForward opens a tunnel of its own from the same settings
      const forward = await openLocalForward(config, { knownHostsPath: `${sshd.dir}/pinned-forward` });
      const client = new pg.Client({ host: forward.host, port: forward.port, user: base.user, database: base.database });
      try {
        await client.connect();
        const { rows } = await client.query<{ n: number }>('SELECT 5 AS n');
        expect(rows[0]!.n).toBe(5);
      } finally {
        await client.end().catch(() => undefined);
        await forward.close();
      }
    });

    it('rejects with SSH_HOST_UNKNOWN before opening a port when the host key is not pinned', async () => {
      const base = configFromUrl(pgDb.url!);
      const { config, tunnel } = tunneled(base, sshd, 'key', knownHosts(sshd, 'forward-empty'));
      tunnel.close();
      const error = await failure(() => openLocalForward(config, { knownHostsPath: `${sshd.dir}/forward-empty` }));
      expect(error.code).toBe('SSH_HOST_UNKNOWN');
    });
  });
});
