/**
 * A throwaway PostgreSQL cluster for the TLS tests: `initdb` in a temp dir (as the `postgres` user, since initdb
 * refuses root), its own port on 127.0.0.1 and its own socket dir, TLS on with a test CA's certificates, and a
 * pg_hba that asks `certuser` for a client certificate (clientcert=verify-full) and trusts everyone else on
 * 127.0.0.1. Stopped (immediate) and removed by stop().
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './local-system.js';

export const CERT_USER = 'certuser';

export interface TestPgCluster {
  port: number;
  dir: string;
  /** Replaces the server certificate and key (files in the data dir) and reloads the configuration. */
  useServerCertificate(certFile: string, keyFile: string): Promise<void>;
  /** ALTER SYSTEM SET ssl and reload. */
  setSsl(on: boolean): Promise<void>;
  /** Stops the server at once (`-m immediate`: every backend killed, like a crash) and starts it again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function pgBinDir(): string | undefined {
  if (existsSync('/usr/local/bin/initdb') && existsSync('/usr/local/bin/pg_ctl')) return '/usr/local/bin';
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  return undefined;
}

export function pgClusterAvailable(): boolean {
  const ok = pgBinDir() !== undefined && process.getuid?.() === 0 && userExists('postgres');
  if (!ok && process.env.CI === 'true') {
    throw new Error('The PostgreSQL TLS tests need initdb/pg_ctl, root and a postgres user (CI=true makes this a failure, not a skip)');
  }
  return ok;
}

export async function startPgCluster(files: { ca: string; serverCert: string; serverKey: string }): Promise<TestPgCluster> {
  const bin = pgBinDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'dbv-pgtls-'));
  const data = join(dir, 'data');
  const { uid, gid } = idsOf('postgres');
  chownSync(dir, uid, gid);
  const asPostgres = (cmd: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  };
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const place = (from: string, name: string): void => {
    copyFileSync(from, join(data, name));
    chownSync(join(data, name), uid, gid);
    chmodSync(join(data, name), 0o600);
  };
  place(files.ca, 'root.crt');
  place(files.serverCert, 'server.crt');
  place(files.serverKey, 'server.key');
  const port = await freePort();
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      '',
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'ssl = on',
      `ssl_cert_file = 'server.crt'`,
      `ssl_key_file = 'server.key'`,
      `ssl_ca_file = 'root.crt'`,
      'fsync = off',
      'shared_buffers = 16MB',
      'max_connections = 30',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(data, 'pg_hba.conf'),
    [
      'local all all trust',
      `hostssl all ${CERT_USER} 127.0.0.1/32 trust clientcert=verify-full`,
      `host all ${CERT_USER} 127.0.0.1/32 reject`,
      'host all all 127.0.0.1/32 trust',
      '',
    ].join('\n'),
  );
  const startArgs = ['-D', data, '-o', `-p ${port} -k ${dir}`, '-l', join(dir, 'log'), '-w', '-t', '60'];
  asPostgres('pg_ctl', [...startArgs, 'start']);
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE ROLE ${CERT_USER} LOGIN`);
  return {
    port,
    dir,
    useServerCertificate: async (certFile, keyFile) => {
      place(certFile, 'server.crt');
      place(keyFile, 'server.key');
      await admin('SELECT pg_reload_conf()');
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    setSsl: async (on) => {
      await admin(`ALTER SYSTEM SET ssl = ${on ? 'on' : 'off'}`);
      await admin('SELECT pg_reload_conf()');
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    restart: async () => {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      asPostgres('pg_ctl', [...startArgs, 'start']);
    },
    stop: async () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function idsOf(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}
