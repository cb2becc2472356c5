/**
 * pino to rotating JSON files under `<data-dir>/logs` (pino-roll). Never to stdout: in --stdio mode stdout is the
 * protocol channel. The roll stream runs in the supervisor's own thread: its writes are asynchronous (sonic-boom),
 * so they never block the event loop, and it saves the ~10 MB of a transport thread's V8 isolate.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger, type LoggerOptions as PinoOptions } from 'pino';
import roll from 'pino-roll';
import { REDACT_CENSOR, REDACT_PATHS } from './redaction.js';

export type { Logger };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  dataDir: string;
  level: LogLevel;
}

function baseOptions(level: LogLevel): PinoOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR }, base: { pid: process.pid } };
}

/** The bridge's logger: daily files, and a new file past 10 MB; the last 14 kept. */
export async function openLogger(opts: LoggerOptions): Promise<Logger> {
  const dir = join(opts.dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stream = await roll({ file: join(dir, 'bridge'), extension: '.log', frequency: 'daily', size: '10m', limit: { count: 14 }, mkdir: true });
  return pino(baseOptions(opts.level), stream);
}

/** The same logger configuration (redaction included) writing synchronously to one file: for tests. */
export function createLogger(opts: { level: LogLevel; syncFile: string; dataDir?: string }): Logger {
  return pino(baseOptions(opts.level), pino.destination({ dest: opts.syncFile, sync: true, mkdir: true }));
}

/**
 * Writes out what is still buffered (at shutdown, so the last lines reach the file before process.exit). The roll
 * stream writes asynchronously; its synchronous flush is the one that cannot be cut short by the exit.
 */
export function closeLogger(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // Not open yet (nothing was written) or already closed: nothing is lost either way.
  }
  return new Promise((resolve) => {
    logger.flush(() => resolve());
    setTimeout(resolve, 500).unref();
  });
}
