/**
 * Where the connection worker's entry file is and how a child is launched, for compiled code and for TypeScript
 * source (vitest and tsx run `.ts` directly).
 *
 * - compiled: dist/supervisor/isolation/*.js spawns dist/workers/connection-worker.js;
 * - source: workers/connection-worker.ts, through tsx. A forked child takes `--import tsx`; a worker thread on
 *   Node 20 ignores `--import` in execArgv, so it starts at ts-worker-boot.mjs, which registers tsx and imports the
 *   entry. That bootstrap is only ever used in source mode, so it does not need to exist under dist/.
 */
import { fileURLToPath } from 'node:url';
import { WORKER_PROCESS_NODE_FLAGS } from '../node-flags.js';

const fromSource = import.meta.url.endsWith('.ts');

export const WORKER_ENTRY_URL = new URL(`../../workers/connection-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);

/** Where a thread-isolated worker connects back to, and the one-time token it says hello with (thread-socket-hub.ts). */
export interface ThreadSocketAddress {
  socketPath: string;
  token: string;
}

export interface ThreadLaunch {
  file: URL;
  workerData: ThreadSocketAddress & { entry?: string };
}

export function threadLaunch(address: ThreadSocketAddress): ThreadLaunch {
  return fromSource
    ? { file: new URL('./ts-worker-boot.mjs', import.meta.url), workerData: { ...address, entry: WORKER_ENTRY_URL.href } }
    : { file: WORKER_ENTRY_URL, workerData: address };
}

export interface ProcessLaunch {
  modulePath: string;
  execArgv: string[];
}

export function processLaunch(maxOldGenerationSizeMb?: number): ProcessLaunch {
  const execArgv = [...WORKER_PROCESS_NODE_FLAGS, ...(fromSource ? ['--import', 'tsx'] : [])];
  if (maxOldGenerationSizeMb !== undefined) execArgv.push(`--max-old-space-size=${maxOldGenerationSizeMb}`);
  return { modulePath: fileURLToPath(WORKER_ENTRY_URL), execArgv };
}

/** Names that look like they hold a secret; none of these is handed to a worker's environment. */
const SECRET_ENV_NAME = /TOKEN|PASSWORD|PASSWD|PASSPHRASE|SECRET|PRIVATE_KEY|CREDENTIAL|API_KEY/i;

/**
 * The environment a worker gets: the supervisor's, minus anything secret-looking (the bridge token above all).
 * A connection's own secrets reach the worker only through api.init.
 */
export function workerEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && !SECRET_ENV_NAME.test(key)) env[key] = value;
  }
  return env;
}
