/**
 * pino to rotating JSON files under `<data-dir>/logs` (pino-roll runs in pino's transport thread, so writing logs
 * never blocks the supervisor's event loop). Never to stdout: in --stdio mode stdout is the protocol channel.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { REDACT_CENSOR, REDACT_PATHS } from './redaction.js';

export type { Logger };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  dataDir: string;
  level: LogLevel;
  /** For tests: write synchronously to this one file instead of the rotating transport. */
  syncFile?: string;
}

export function createLogger(opts: LoggerOptions): Logger {
  const base = { level: opts.level, redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR }, base: { pid: process.pid } };
  if (opts.syncFile) return pino(base, pino.destination({ dest: opts.syncFile, sync: true, mkdir: true }));
  const dir = join(opts.dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const transport = pino.transport({
    target: 'pino-roll',
    options: { file: join(dir, 'bridge'), extension: '.log', frequency: 'daily', size: '10m', limit: { count: 14 }, mkdir: true },
  });
  return pino(base, transport);
}

/** Flushes and closes the logger's transport (at shutdown, so the last lines reach the file). */
export function closeLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.flush(() => resolve());
    setTimeout(resolve, 500).unref();
  });
}
