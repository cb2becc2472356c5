/**
 * The command line of the standalone supervisor, exactly as PROTOCOL.md gives it:
 *   dbv-bridge [--host 127.0.0.1] [--port 7420|0] [--data-dir DIR] [--token T] [--stdio]
 *              [--log-level debug|info|warn|error] [--allow-origin URL]... [--no-ui] [--no-sample]
 * plus --enable-fault-injection for the fault tests (DESIGN.md) and --session-idle-timeout SECONDS (default 900).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
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
  /** An idle query session is closed after this long (default 15 min). */
  sessionIdleTimeoutMs?: number;
}

export const DEFAULT_PORT = 7420;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
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
      'session-idle-timeout': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const logLevel = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  for (const origin of values['allow-origin']) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new Error(`--allow-origin must be an origin like http://host:port, got ${origin}`);
  }
  const idle = values['session-idle-timeout'];
  if (idle !== undefined && !(Number(idle) > 0)) throw new Error(`--session-idle-timeout takes seconds > 0, got ${idle}`);
  return {
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
  };
}
