/**
 * The command line of the standalone supervisor, as docs/api.md ("Starting the bridge") gives it:
 *   dbv-bridge [--host 127.0.0.1] [--port 7420|0] [--data-dir DIR] [--token T] [--stdio]
 *              [--log-level debug|info|warn|error] [--allow-origin URL]... [--no-ui] [--no-sample]
 * plus --enable-debug (serves debug.dumpState), --enable-fault-injection for the fault tests,
 * --session-idle-timeout SECONDS (default 900), --parent-port and --no-listen for the desktop app (docs/architecture.md,
 * "Desktop mode"), and --help / --version, which print and exit before anything starts.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LogLevel } from './log/logger.js';
import { defaultDataDir } from './data-dir.js';

export interface CliOptions {
  host: string;
  port: number;
  dataDir: string;
  token: string;
  stdio: boolean;
  logLevel: LogLevel;
  allowOrigins: string[];
  ui: boolean;
  sample: boolean;
  faultInjection: boolean;
  /** Serve debug.dumpState (--enable-debug or DBV_ENABLE_DEBUG=1). */
  debug: boolean;
  /** An idle query session is closed after this long (default 15 min). */
  sessionIdleTimeoutMs?: number;
  /** Backups and other jobs: concurrency, tool folders, extra backup folders. */
  jobs: { concurrency?: number; toolPaths: string[]; backupDirs: string[] };
  /** Serve clients on the MessagePorts Electron's main process sends through `process.parentPort`. */
  parentPort: boolean;
  /** Open the HTTP/WebSocket server. Off (--no-listen) the bridge opens no TCP port at all. */
  listen: boolean;
}

export const DEFAULT_PORT = 7420;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export const CLI_OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: String(DEFAULT_PORT) },
  'data-dir': { type: 'string' },
  token: { type: 'string' },
  stdio: { type: 'boolean', default: false },
  'log-level': { type: 'string', default: 'info' },
  'allow-origin': { type: 'string', multiple: true, default: [] },
  'no-ui': { type: 'boolean', default: false },
  'no-sample': { type: 'boolean', default: false },
  'enable-fault-injection': { type: 'boolean', default: false },
  'enable-debug': { type: 'boolean', default: false },
  'session-idle-timeout': { type: 'string' },
  'job-concurrency': { type: 'string' },
  'tool-path': { type: 'string', multiple: true, default: [] },
  'backup-dir': { type: 'string', multiple: true, default: [] },
  'parent-port': { type: 'boolean', default: false },
  'no-listen': { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

/** What `dbv-bridge --help` prints. Every option of CLI_OPTIONS is here (a unit test keeps the two in step). */
export const CLI_USAGE = `Usage: dbv-bridge [options]

Runs the DB Visualizer bridge: database connections, streamed query results and the web UI, served to clients
over JSON-RPC 2.0 (WebSocket on --host:--port, or stdin/stdout with --stdio). Prints one JSON ready line when serving.

Options:
  --host ADDRESS                 interface to listen on (default 127.0.0.1)
  --port N                       TCP port, 0 for any free one (default ${DEFAULT_PORT})
  --data-dir DIR                 where app.db, logs and the secrets file live (default: the per-user data folder)
  --token T                      the clients' bearer token; prefer the DBV_TOKEN environment variable, which other
                                 local users cannot read with ps (default: random at each start; the ready line's
                                 ui address carries it)
  --stdio                        also serve one client on stdin/stdout (the ready line then goes to stderr)
  --log-level LEVEL              debug, info, warn or error (default info)
  --allow-origin URL             a browser origin allowed to connect besides the bridge's own (repeatable)
  --no-ui                        do not serve the web UI
  --no-sample                    do not add the bundled SQLite sample connection
  --session-idle-timeout SECONDS close a query session idle this long (default 900)
  --enable-debug                 serve debug.dumpState, a support snapshot of the bridge's state (also
                                 DBV_ENABLE_DEBUG=1)
  --job-concurrency N            backups, restores and exports running at once (default 2)
  --tool-path DIR                a folder searched for pg_dump, pg_restore, psql, mariadb-dump… before PATH
                                 (repeatable)
  --backup-dir DIR               a folder where backups and exports may be written besides <data-dir>/backups
                                 (repeatable)
  --parent-port                  also serve the clients whose MessagePorts arrive on process.parentPort (only when
                                 started as an Electron utilityProcess: the desktop app)
  --no-listen                    open no HTTP/WebSocket server and no TCP port (needs --stdio or --parent-port)
  --enable-fault-injection       accept the fault-injection connector (tests only)
  -h, --help                     print this and exit
  -V, --version                  print the version and exit

Environment: DBV_TOKEN (the token), DBV_MASTER_PASSWORD (unlocks the encrypted secrets file when no OS keychain is
available), DBV_KEYCHAIN_SERVICE (the keychain service name), DBV_ENABLE_DEBUG=1 (as --enable-debug).
`;

const INFO_FLAGS = ['--help', '-h', '--version', '-V'];
/** Every spelling that is an option of its own, never the value of the option before it. */
const OPTION_WORDS = new Set([...Object.keys(CLI_OPTIONS).map((name) => `--${name}`), ...INFO_FLAGS]);
const TAKES_VALUE = new Set(
  Object.entries(CLI_OPTIONS)
    .filter(([, spec]) => spec.type === 'string')
    .map(([name]) => `--${name}`),
);

/**
 * `--token -abc` → `--token=-abc`. node's parseArgs refuses a separate value that starts with '-' ("argument is
 * ambiguous"), and one random base64url token in 64 does. The word after an option that takes a value is that value,
 * unless it is itself one of our options (`--token --stdio` still says the value is missing).
 */
export function joinOptionValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const next = argv[i + 1];
    if (TAKES_VALUE.has(word) && next !== undefined && next.startsWith('-') && !OPTION_WORDS.has(next)) {
      joined.push(`${word}=${next}`);
      i++;
    } else joined.push(word);
  }
  return joined;
}

/** `--help` and `--version` win over everything else on the line, even over options that would not parse. */
export function cliInfoRequest(argv: readonly string[]): 'help' | 'version' | undefined {
  // Only options count: a value such as `--token -h…` is not a request for help.
  const words = joinOptionValues(argv).filter((word, i, all) => i === 0 || !TAKES_VALUE.has(all[i - 1]!));
  if (words.includes('--help') || words.includes('-h')) return 'help';
  if (words.includes('--version') || words.includes('-V')) return 'version';
  return undefined;
}

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({ args: joinOptionValues(argv), strict: true, options: CLI_OPTIONS });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const logLevel = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  for (const origin of values['allow-origin']) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new Error(`--allow-origin must be an origin like http://host:port, got ${origin}`);
  }
  const idle = values['session-idle-timeout'];
  if (idle !== undefined && !(Number(idle) > 0)) throw new Error(`--session-idle-timeout takes seconds > 0, got ${idle}`);
  const concurrency = values['job-concurrency'];
  if (concurrency !== undefined && !(Number.isInteger(Number(concurrency)) && Number(concurrency) >= 1 && Number(concurrency) <= 64)) {
    throw new Error(`--job-concurrency takes 1..64, got ${concurrency}`);
  }
  for (const dir of [...values['tool-path'], ...values['backup-dir']]) {
    if (!isAbsolute(dir)) throw new Error(`--tool-path and --backup-dir take absolute folders, got ${dir}`);
  }
  // Without a listener and without a pipe no client could ever reach the bridge.
  if (values['no-listen'] && !values.stdio && !values['parent-port']) throw new Error('--no-listen needs --stdio or --parent-port');
  return {
    jobs: {
      ...(concurrency !== undefined ? { concurrency: Number(concurrency) } : {}),
      toolPaths: values['tool-path'],
      backupDirs: values['backup-dir'],
    },
    ...(idle !== undefined ? { sessionIdleTimeoutMs: Number(idle) * 1000 } : {}),
    host: values.host,
    port,
    dataDir: values['data-dir'] ?? defaultDataDir(env),
    // The token is a secret: prefer the environment over argv, where any local user could read it with `ps`.
    token: values.token ?? env.DBV_TOKEN ?? randomBytes(32).toString('base64url'),
    stdio: values.stdio,
    logLevel,
    allowOrigins: values['allow-origin'],
    ui: !values['no-ui'],
    sample: !values['no-sample'],
    faultInjection: values['enable-fault-injection'],
    debug: values['enable-debug'] || env.DBV_ENABLE_DEBUG === '1',
    parentPort: values['parent-port'],
    listen: !values['no-listen'],
  };
}
