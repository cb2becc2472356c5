#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
/**
 * The standalone supervisor: `npm start`, the Electron utilityProcess, the soak and fault tests all start this.
 * Prints exactly one ready line when serving (stdout; stderr in --stdio mode, where stdout carries the protocol).
 */
import type { ReadStream } from 'node:tty';
import { startBridge, type Bridge } from './bridge.js';
import { CLI_USAGE, cliInfoRequest, parseCliOptions } from './cli-options.js';
import { promptForMasterPassword } from './master-password-prompt.js';
import { packageVersion } from './package-info.js';
import { createStdioTransport } from './transports/stdio-transport.js';

const VERSION = packageVersion();

async function main(): Promise<void> {
  const info = cliInfoRequest(process.argv.slice(2));
  if (info) {
    process.stdout.write(info === 'help' ? CLI_USAGE : `dbv-bridge ${VERSION}\n`);
    return;
  }
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`dbv-bridge: ${(error as Error).message}\n`);
    process.exit(2);
  }

  const masterPassword = process.env.DBV_MASTER_PASSWORD;
  // Both have been read: do not leave them where a child process (a native tool, a driver's helper) or a dump could
  // see them. A child inherits process.env unless its spawner filters it.
  delete process.env.DBV_MASTER_PASSWORD;
  delete process.env.DBV_TOKEN;

  let bridge: Bridge;
  try {
    bridge = await startBridge({
      ...options,
      version: VERSION,
      ...(masterPassword ? { masterPassword } : {}),
      ...(process.env.DBV_KEYCHAIN_SERVICE ? { keychainService: process.env.DBV_KEYCHAIN_SERVICE } : {}),
      ...(options.faultInjection && process.env.DBV_FAULT_POINTS ? { faultPoints: process.env.DBV_FAULT_POINTS.split(',') } : {}),
    });
  } catch (error) {
    process.stderr.write(`dbv-bridge: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }

  let exiting = false;
  const shutdown = (signal: string): void => {
    if (exiting) return;
    exiting = true;
    bridge.log.info({ signal }, 'signal received');
    bridge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  if (options.stdio) {
    const stdio = createStdioTransport(process.stdin, process.stdout);
    // The parent closing our stdin means it is gone: nobody is left to serve.
    stdio.onClose(() => shutdown('stdin closed'));
    bridge.attach(stdio);
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (error) => bridge.log.fatal({ err: error }, 'uncaught exception in the supervisor'));
  process.on('unhandledRejection', (error) => bridge.log.error({ err: error }, 'unhandled rejection in the supervisor'));

  const ready = { event: 'ready', url: bridge.url, ...(bridge.uiUrl ? { ui: bridge.uiUrl } : {}), pid: process.pid, version: VERSION };
  (options.stdio ? process.stderr : process.stdout).write(`${JSON.stringify(ready)}\n`);

  // A person at a terminal can unlock the secrets file right here; the bridge already serves meanwhile.
  const secrets = bridge.secrets.status();
  if (!options.stdio && process.stdin.isTTY && secrets.backend === 'file' && secrets.locked) {
    if (!(await promptForMasterPassword(bridge.secrets, process.stdin as ReadStream, process.stderr))) bridge.log.info('secrets left locked at the prompt');
  }
}

void main();
