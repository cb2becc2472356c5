/**
 * A throwaway OpenSSH server for the tunnel tests: `/usr/sbin/sshd -D -e` on a free loopback port, its config, host
 * key, authorized_keys and pid file in a temp dir; a test user `dbvtest` (created once with `useradd -M`, no home,
 * no login shell; one password shared by every test server, kept in a root-only temp file) for password and key authentication; TCP forwarding allowed.
 * Needs root (sshd must switch users). Without sshd the tests skip — except under `CI=true`, where that fails.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { freePort, hasTool } from './local-system.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostKeyFingerprint } from '../../workers/channel/known-hosts.js';

export const SSHD = '/usr/sbin/sshd';
export const SSH_TEST_USER = 'dbvtest';

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** An unencrypted ed25519 key authorized for the user (OpenSSH format). */
  privateKey: string;
  /** An encrypted ed25519 key authorized for the user, and its passphrase. */
  encryptedKey: string;
  passphrase: string;
  /** The SHA256 fingerprint of the server's host key, as ssh-keygen -l prints it. */
  fingerprint: string;
  /** Another key's fingerprint: what a known_hosts would hold if the server's key had changed. */
  otherFingerprint: string;
  dir: string;
  /** What sshd wrote to stderr (LogLevel VERBOSE). */
  log(): string;
  /** SIGKILLs the sshd processes serving connections (the listener stays): every tunnel dies at once. */
  killConnections(): number;
  stop(): Promise<void>;
}

/** Whether the tests can run; throws under CI=true when they cannot. */
export function sshdAvailable(): boolean {
  const ok = existsSync(SSHD) && process.getuid?.() === 0 && hasTool('ssh-keygen') && hasTool('ssh-agent');
  if (!ok && process.env.CI === 'true') {
    throw new Error(`The SSH tunnel tests need ${SSHD} (Debian openssh-server), ssh-keygen and root (CI=true makes this a failure, not a skip)`);
  }
  return ok;
}


export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'dbv-sshd-'));
  ensureTestUser();
  const password = sharedTestPassword();
  // Always the same value, so servers of test files running at the same time never change it under each other.
  execFileSync('chpasswd', { input: `${SSH_TEST_USER}:${password}\n` });
  const keygen = (file: string, passphrase = '', type = 'ed25519'): void => {
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'dbv-test', '-f', join(dir, file)]);
  };
  keygen('host_key');
  keygen('other_host_key');
  keygen('id_plain');
  const passphrase = `pp-${randomBytes(6).toString('hex')}`;
  keygen('id_encrypted', passphrase);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_plain.pub'), 'utf8') + readFileSync(join(dir, 'id_encrypted.pub'), 'utf8'));
  // sshd reads authorized_keys as the user; the private keys in the dir stay 0600 (ssh-keygen's mode).
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin no',
      `AllowUsers ${SSH_TEST_USER}`,
      'AllowTcpForwarding yes',
      'PermitOpen 127.0.0.1:*',
      'StrictModes no',
      'UsePAM no',
      'X11Forwarding no',
      'PermitTTY no',
      'ForceCommand /bin/false',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // Debian's sshd wants its privilege-separation dir
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitForBanner(port, child, () => log);
  const fingerprintOf = (file: string): string => hostKeyFingerprint(Buffer.from(readFileSync(join(dir, file), 'utf8').split(' ')[1]!, 'base64'));
  return {
    host: '127.0.0.1',
    port,
    user: SSH_TEST_USER,
    password,
    privateKey: readFileSync(join(dir, 'id_plain'), 'utf8'),
    encryptedKey: readFileSync(join(dir, 'id_encrypted'), 'utf8'),
    passphrase,
    fingerprint: fingerprintOf('host_key.pub'),
    otherFingerprint: fingerprintOf('other_host_key.pub'),
    dir,
    log: () => log,
    killConnections: () => killChildrenOf(child.pid!),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killChildrenOf(child.pid!);
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


/** Idempotent: a system user without home or shell, only ever used by these tests' sshd. */
function ensureTestUser(): void {
  const exists = (): boolean => {
    try {
      execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (exists()) return;
  try {
    execFileSync('useradd', ['-M', '-r', '-s', '/usr/sbin/nologin', SSH_TEST_USER], { stdio: 'ignore' });
  } catch (error) {
    // Another test file's server created it at the same moment.
    if (!exists()) throw error;
  }
}

/**
 * The test user's one password, made once per machine in a root-only file: test files run in parallel, and a fresh
 * password per server would break the password logins of the servers already running.
 */
function sharedTestPassword(): string {
  const file = join(tmpdir(), 'dbv-sshd-test-password');
  if (!existsSync(file)) {
    // Written whole under another name, then linked into place: a reader never sees a half-written file.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `pw-${randomBytes(9).toString('base64url')}`, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  return readFileSync(file, 'utf8');
}

/** Resolves once the server sends its SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
    const banner = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(1000, () => socket.destroy());
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString());
      });
      socket.once('error', () => resolve(''));
      socket.once('close', () => resolve(''));
    });
    if (banner.startsWith('SSH-')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sshd did not start on port ${port}: ${log()}`);
}

/** SIGKILLs every descendant of `pid` (sshd forks a monitor per connection, and it forks the session process). */
function killChildrenOf(pid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const descendants: number[] = [];
  const visit = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        descendants.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  let killed = 0;
  for (const child of descendants) {
    try {
      process.kill(child, 'SIGKILL');
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}
