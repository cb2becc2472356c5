/**
 * A person running the bridge in a terminal without an OS keychain is asked for the master password of the
 * encrypted secrets file, with the typed characters hidden. Runs the real CLI on a pseudo-terminal (util-linux
 * `script`), with no D-Bus session so the keychain is unavailable.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectWs } from '../../helpers/clients.js';
import { REPO_ROOT } from '../../helpers/bridge-process.js';
import { SUPERVISOR_NODE_FLAGS } from '../../../supervisor/node-flags.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const PASSWORD = 'correct-horse-battery-41';

interface PtyBridge {
  child: ChildProcess;
  screen: () => string;
  waitFor: (text: string | RegExp) => Promise<void>;
  type: (text: string) => void;
}

function startOnPty(dataDir: string, token: string): PtyBridge {
  const command = `exec ${process.execPath} ${SUPERVISOR_NODE_FLAGS.join(' ')} --import tsx supervisor/main.ts --port 0 --no-sample --data-dir ${dataDir}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DBV_TOKEN: token, DBV_KEYCHAIN_SERVICE: `dbv-test-prompt-${process.pid}` };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout!.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  return {
    child,
    screen: () => screen,
    waitFor: async (text) => {
      await expect.poll(() => (typeof text === 'string' ? screen.includes(text) : text.test(screen)), { timeout: 20_000 }).toBe(true);
    },
    type: (text) => child.stdin!.write(text),
  };
}

async function stop(bridge: PtyBridge): Promise<void> {
  if (bridge.child.exitCode !== null) return;
  bridge.type('\u0003');
  const pid = /"pid":(\d+)/.exec(bridge.screen())?.[1];
  if (pid) process.kill(Number(pid), 'SIGTERM');
  await once(bridge.child, 'exit');
}

describe.skipIf(!hasScript)('the master-password prompt of the CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dbv-prompt-'));
  const token = 'prompt-token';
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const urlOf = (screen: string): string => JSON.parse(/\{"event":"ready".*\}/.exec(screen)![0]).url;

  it('sets the master password on first use, hidden as it is typed', async () => {
    const bridge = startOnPty(dataDir, token);
    await bridge.waitFor('Master password: ');
    bridge.type(`${PASSWORD}\r`);
    await bridge.waitFor('Secrets unlocked.');
    expect(bridge.screen()).not.toContain(PASSWORD);
    const client = await connectWs(urlOf(bridge.screen()), token);
    expect(await client.call('secret.status', {})).toEqual({ backend: 'file', locked: false });
    await client.call('secret.store', { key: 'app/prompt-test', value: 'kept' });
    await client.close();
    await stop(bridge);
  });

  it('says so on a wrong password, asks again, and unlocks the existing file with the right one', async () => {
    const bridge = startOnPty(dataDir, token);
    await bridge.waitFor('Master password: ');
    bridge.type('not-the-password\r');
    await bridge.waitFor('Wrong master password.');
    bridge.type(`${PASSWORD}\r`);
    await bridge.waitFor('Secrets unlocked.');
    expect(bridge.screen()).not.toContain('not-the-password');
    const client = await connectWs(urlOf(bridge.screen()), token);
    expect(await client.call('secret.get', { key: 'app/prompt-test' })).toEqual({ value: 'kept' });
    await client.close();
    await stop(bridge);
  });
});
