/**
 * Starts the standalone supervisor as a real child process, as a user or the Electron shell would, and reads its
 * ready line. From TypeScript source (through tsx) by default; `fromDist: true` runs the built artifact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SUPERVISOR_NODE_FLAGS } from '../../supervisor/node-flags.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ReadyLine {
  event: 'ready';
  url: string;
  ui?: string;
  pid: number;
  version: string;
}

export interface BridgeProcess {
  child: ChildProcess;
  ready: ReadyLine;
  token: string;
  dataDir: string;
  /** Everything the bridge wrote to the stream the ready line did not come from (stderr, or stdout in --stdio mode). */
  output(): string;
  /** SIGTERM, wait for exit, remove the data dir (unless keepDataDir). Resolves with the exit code. */
  stop(opts?: { keepDataDir?: boolean }): Promise<number | null>;
}

export interface StartBridgeOptions {
  args?: string[];
  /** Node options before the entry (e.g. --expose-gc). */
  nodeFlags?: string[];
  dataDir?: string;
  token?: string;
  stdio?: boolean;
  fromDist?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function startBridgeProcess(opts: StartBridgeOptions = {}): Promise<BridgeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'dbv-test-'));
  const token = opts.token ?? `test-token-${Math.random().toString(36).slice(2)}`;
  // The same V8 flags as every other launcher (supervisor/node-flags.ts).
  const entry = [...SUPERVISOR_NODE_FLAGS, ...(opts.nodeFlags ?? []), ...(opts.fromDist ? [join(REPO_ROOT, 'dist/supervisor/main.js')] : ['--import', 'tsx', join(REPO_ROOT, 'supervisor/main.ts')])];
  const args = [...entry, '--port', '0', '--data-dir', dataDir, ...(opts.stdio ? ['--stdio'] : []), ...(opts.args ?? [])];
  // The token goes through the environment, never argv (visible to every local user in `ps`).
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, DBV_TOKEN: token, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const readyStream = opts.stdio ? child.stderr! : child.stdout!;
  const otherStream = opts.stdio ? child.stdout! : child.stderr!;
  let other = '';
  if (!opts.stdio) otherStream.on('data', (chunk: Buffer) => (other += chunk.toString()));

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: readyStream });
    const timer = setTimeout(() => reject(new Error(`bridge did not print a ready line in 30 s; output: ${other}`)), 30_000);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as ReadyLine;
        if (parsed.event === 'ready') {
          clearTimeout(timer);
          resolve(parsed);
          return;
        }
      } catch {
        // not the ready line
      }
      other += `${line}\n`;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited with ${code} before ready; output: ${other}`));
    });
  });

  return {
    child,
    ready,
    token,
    dataDir,
    output: () => other,
    async stop({ keepDataDir = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      if (!keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
