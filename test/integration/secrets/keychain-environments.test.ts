import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The secret store in chosen environments, each in a child process: inside scripts/with-keyring.sh (a private D-Bus
 * session with gnome-keyring: the real Secret Service path) and with no D-Bus session at all (the fallback path).
 */
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const WITH_KEYRING = join(ROOT, 'scripts', 'with-keyring.sh');
const CHILD = join(ROOT, 'test', 'integration', 'secrets', 'fixtures', 'secret-store-child.ts');
const RESTART_CHILD = join(ROOT, 'test', 'integration', 'secrets', 'fixtures', 'keyring-restart-child.ts');

interface ChildReport {
  probe: boolean;
  status: { backend: string; locked: boolean };
  roundTrip: { read: Record<string, string>; deleted: number; after: Record<string, string> } | null;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

function lastJsonLine(stdout: string): ChildReport {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildReport;
}

const hasKeyringTools =
  process.platform === 'linux' &&
  spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon && command -v dbus-send']).status === 0;
const requireKeyring = process.env.CI === 'true';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dbv-secrets-env-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const service = () => `dbv-test-secrets-env-${randomBytes(4).toString('hex')}`;
const childArgs = (exitCode: number) => ['--import', 'tsx', CHILD, dataDir, service(), String(exitCode)];

describe.runIf(hasKeyringTools || requireKeyring)('scripts/with-keyring.sh', () => {
  it('has the tools it needs (CI=true demands dbus-run-session, gnome-keyring-daemon, dbus-send)', () => {
    expect(hasKeyringTools, 'install the apt packages dbus and gnome-keyring').toBe(true);
  });

  it('gives CMD a working Secret Service: the probe passes and the store uses the keychain for real', async () => {
    const result = await run(WITH_KEYRING, [process.execPath, ...childArgs(0)], process.env);
    expect(result.code, result.stderr).toBe(0);
    const report = lastJsonLine(result.stdout);
    expect(report.probe).toBe(true);
    expect(report.status).toEqual({ backend: 'keychain', locked: false });
    expect(report.roundTrip).toEqual({
      read: { password: 'child-secret', 'ssh.passphrase': 'child-pass' },
      deleted: 2,
      after: {},
    });
    expect(existsSync(join(dataDir, 'secrets.enc'))).toBe(false);
  });

  it("preserves CMD's exit code", async () => {
    const result = await run(WITH_KEYRING, [process.execPath, ...childArgs(7)], process.env);
    expect(result.code).toBe(7);
    expect(lastJsonLine(result.stdout).probe).toBe(true);
  });

  it('restarts a gnome-keyring-daemon that dies, on the same keyring, and the keychain backend rides over the gap', async () => {
    // A session of its own (not the one CI runs the suite in): the child kills its daemon.
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DBV_KEYRING_SESSION']) delete env[name];
    const result = await run(WITH_KEYRING, [process.execPath, '--import', 'tsx', RESTART_CHILD, service()], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/gnome-keyring-daemon died \(exit status 137\); restarting it on the same keyring/);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(report.restarted).not.toBe(report.killed);
    // Read right after the kill: the secret stored before it, through the restarted daemon.
    expect(report.read).toBe('stored before the crash');
    expect(report.readAfter).toBe('stored after the crash');
    expect(report.keys).toEqual(['conn/c1/password', 'conn/c1/ssh.passphrase']);
  });
});

describe.runIf(process.platform === 'linux')('without a D-Bus session', () => {
  it('the probe is false and openSecretStore falls back to the encrypted file', async () => {
    const runtimeDir = await mkdtemp(join(tmpdir(), 'dbv-no-bus-'));
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
    // Every way a D-Bus client could find a session bus: the address, X11 autolaunch, and $XDG_RUNTIME_DIR/bus.
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBV_KEYRING_SESSION']) delete env[name];
    try {
      const result = await run(process.execPath, childArgs(0), env);
      expect(result.code, result.stderr).toBe(0);
      const report = lastJsonLine(result.stdout);
      expect(report.probe).toBe(false);
      expect(report.status).toEqual({ backend: 'file', locked: false });
      expect(report.roundTrip?.read).toEqual({ password: 'child-secret', 'ssh.passphrase': 'child-pass' });
      expect(report.roundTrip?.after).toEqual({});
      expect(existsSync(join(dataDir, 'secrets.enc'))).toBe(true);
    } finally {
      await rm(runtimeDir, { recursive: true, force: true });
    }
  });
});
