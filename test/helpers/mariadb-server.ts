/**
 * A throwaway MariaDB server for the TLS tests: `mariadb-install-db` into a temp datadir, then `mariadbd
 * --no-defaults` on its own port on 127.0.0.1 and its own socket, with a test CA's certificates (or without TLS, to
 * test a server that does not offer it). Users: `dbv` (no password) and `certuser` (REQUIRE X509), both from any
 * host, created over the socket as root. Runs as root (`--user=root`); stopped and removed by remove().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, hasTool } from './local-system.js';

export const MARIADBD = '/usr/sbin/mariadbd';
export const MARIADB_CERT_USER = 'certuser';

export interface TestMariadb {
  port: number;
  dir: string;
  /** Replaces the server certificate and key files and runs FLUSH SSL. */
  useServerCertificate(certFile: string, keyFile: string): void;
  /** Restarts the server on the same datadir and port, with TLS or without. */
  restart(tls: boolean): Promise<void>;
  remove(): Promise<void>;
}

export function mariadbServerAvailable(): boolean {
  const ok = existsSync(MARIADBD) && process.getuid?.() === 0 && hasTool('mariadb-install-db') && hasTool('mariadb');
  if (!ok && process.env.CI === 'true') {
    throw new Error('The MariaDB TLS tests need mariadbd, mariadb-install-db, the mariadb client and root (CI=true makes this a failure, not a skip)');
  }
  return ok;
}

export async function startMariadb(files: { ca: string; serverCert: string; serverKey: string }): Promise<TestMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'dbv-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  copyFileSync(files.serverCert, cert);
  copyFileSync(files.serverKey, key);
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], {
    stdio: 'ignore',
  });
  const port = await freePort();
  let child: ChildProcess | null = null;
  const sql = (statement: string): void => {
    execFileSync('mariadb', ['--no-defaults', '-S', socket, '-u', 'root', '-e', statement], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const start = async (tls: boolean): Promise<void> => {
    const args = [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadbd.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--user=root',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      '--max-connections=30',
      ...(tls ? [`--ssl-ca=${files.ca}`, `--ssl-cert=${cert}`, `--ssl-key=${key}`] : ['--skip-ssl']),
    ];
    const started = spawn(MARIADBD, args, { stdio: 'ignore' });
    child = started;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`mariadbd exited with ${started.exitCode}; see ${join(dir, 'error.log')}`);
      try {
        sql('SELECT 1');
        return;
      } catch {
        if (Date.now() > deadline) throw new Error('mariadbd did not start within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start(true);
  sql(
    `CREATE USER 'dbv'@'%'; GRANT ALL ON *.* TO 'dbv'@'%'; ` +
      `CREATE USER '${MARIADB_CERT_USER}'@'%' REQUIRE X509; GRANT SELECT ON mysql.* TO '${MARIADB_CERT_USER}'@'%';`,
  );
  return {
    port,
    dir,
    useServerCertificate: (certFile, keyFile) => {
      copyFileSync(certFile, cert);
      copyFileSync(keyFile, key);
      sql('FLUSH SSL');
    },
    restart: async (tls) => {
      await stop();
      await start(tls);
    },
    remove: async () => {
      try {
        await stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

