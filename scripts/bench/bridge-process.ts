/**
 * Starts the bridge for a benchmark as a real process, the way a user or the Electron shell does, and reads its
 * ready line. Run from dist (`npm run bench`) it spawns the built supervisor; run from source (tsx) it spawns the
 * TypeScript entry through tsx, so a benchmark never measures a build that is older than the code beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SUPERVISOR_NODE_FLAGS } from '../../supervisor/node-flags.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RUNNING_FROM_DIST = import.meta.url.endsWith('.js') && HERE.includes(`${join('dist', 'scripts')}`);
/** The repository root: three levels up from dist/scripts/bench, two from scripts/bench. */
export const REPO_ROOT = fileURLToPath(new URL(RUNNING_FROM_DIST ? '../../..' : '../..', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The UI's address with the token (only with `ui: true`). */
  uiUrl?: string;
  token: string;
  /** 'dist' or 'source (tsx)': what was spawned, for the report. */
  entry: string;
  stop(): Promise<void>;
}

export interface StartBridgeOptions {
  /** Write V8 CPU profiles of the supervisor here (see below for its workers). */
  cpuProfDir?: string;
  /** Serve the built UI and keep the sample connection (the UI benchmark, scripts/bench/ui-perf.ts). */
  ui?: boolean;
  /** Node options before the entry (the soak: --expose-gc, so debug.dumpState can report the live heap). */
  nodeFlags?: string[];
  /** More command-line options (the soak: --enable-debug, --enable-fault-injection, --backup-dir …). */
  args?: string[];
  /** More environment variables for the bridge (the soak: its master password and keychain service). */
  env?: NodeJS.ProcessEnv;
  /**
   * Also serve the parent over stdin/stdout (`--stdio`): the ready line then comes on stderr and `child.stdin` /
   * `child.stdout` carry the protocol (the soak's stdio client).
   */
  stdio?: boolean;
  /** Keep the data dir after stop() (the soak scans its logs and app.db for secrets first). */
  dataDir?: string;
}

export async function startBridge(opts: StartBridgeOptions = {}): Promise<BridgeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'dbv-bench-'));
  const token = randomBytes(24).toString('base64url');
  const distEntry = join(REPO_ROOT, 'dist/supervisor/main.js');
  const useDist = RUNNING_FROM_DIST && existsSync(distEntry);
  // --cpu-prof is refused in NODE_OPTIONS, so it goes on the command line: it profiles the supervisor (and its worker
  // threads if they inherit execArgv); a process-isolated worker is forked with its own execArgv and is not profiled.
  const profile = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  // Launched as `npm start` launches it: with the bridge's V8 flags (supervisor/node-flags.ts).
  const entry = [...profile, ...SUPERVISOR_NODE_FLAGS, ...(opts.nodeFlags ?? []), ...(useDist ? [distEntry] : ['--import', 'tsx', join(REPO_ROOT, 'supervisor/main.ts')])];
  // The token goes through the environment, never argv (visible to every local user in `ps`).
  const args = [...entry, '--port', '0', '--data-dir', dataDir, ...(opts.ui ? [] : ['--no-sample', '--no-ui']), '--log-level', 'warn'];
  const child = spawn(process.execPath, [...args, ...(opts.stdio ? ['--stdio'] : []), ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, DBV_TOKEN: token },
    stdio: [opts.stdio ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });

  const ready = await waitForReady(child, opts.stdio ? child.stderr! : child.stdout!, () => stderr).catch((error: unknown) => {
    child.kill('SIGKILL');
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });

  return {
    child,
    pid: ready.pid,
    url: ready.url,
    uiUrl: ready.ui,
    token,
    entry: useDist ? 'dist/supervisor/main.js' : 'supervisor/main.ts (tsx)',
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess, readyStream: Readable, stderr: () => string): Promise<{ url: string; ui?: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge printed no ready line in 30 s: ${stderr()}`)), 30_000);
    const lines = createInterface({ input: readyStream });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string; url: string; ui?: string; pid: number };
        if (parsed.event === 'ready') {
          clearTimeout(timer);
          resolve(parsed);
        }
      } catch {
        // some other line; the ready line is JSON
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited with ${code} before ready: ${stderr()}`));
    });
  });
}
