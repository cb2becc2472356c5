#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
/**
 * The standalone supervisor: `npm start`, the Electron utilityProcess, the soak and fault tests all start this.
 * Prints exactly one ready line when serving (stdout; stderr in --stdio mode, where stdout carries the protocol).
 * Under Electron (`--parent-port --no-listen`, docs/architecture.md "Desktop mode") its clients are the renderers'
 * MessagePorts that arrive on process.parentPort, and the ready message goes there too.
 */
import type { ReadStream } from 'node:tty';
import { startBridge, type Bridge } from './bridge.js';
import { CLI_USAGE, cliInfoRequest, parseCliOptions } from './cli-options.js';
import { promptForMasterPassword } from './master-password-prompt.js';
import { packageVersion } from './package-info.js';
import { listenForClientPorts, processParentPort, type ParentPortClients } from './transports/parent-port-clients.js';
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

  const parentPort = processParentPort();
  if (options.parentPort && !parentPort) {
    process.stderr.write('dbv-bridge: --parent-port: there is no process.parentPort (not started as an Electron utilityProcess)\n');
    process.exit(2);
  }
  let bridge: Bridge | undefined;
  let exiting = false;
  const shutdown = (reason: string): void => {
    if (exiting) return;
    exiting = true;
    // Asked before the bridge was up (the parent port's shutdown): there is nothing to close yet.
    if (!bridge) process.exit(0);
    bridge.log.info({ signal: reason }, 'signal received');
    bridge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Listening starts before the bridge does, so a port sent right after the fork waits instead of being lost.
  let portClients: ParentPortClients | undefined;
  if (options.parentPort && parentPort) {
    portClients = listenForClientPorts(parentPort, {
      onShutdown: () => shutdown('parent asked'),
      onUnexpected: (description) => bridge?.log.warn({ description }, 'unexpected message on the parent port'),
    });
  }

  const masterPassword = process.env.DBV_MASTER_PASSWORD;
  // Both have been read: do not leave them where a child process (a native tool, a driver's helper) or a dump could
  // see them. A child inherits process.env unless its spawner filters it.
  delete process.env.DBV_MASTER_PASSWORD;
  delete process.env.DBV_TOKEN;

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

  const running = bridge;
  if (options.stdio) {
    const stdio = createStdioTransport(process.stdin, process.stdout);
    // The parent closing our stdin means it is gone: nobody is left to serve.
    stdio.onClose(() => shutdown('stdin closed'));
    running.attach(stdio);
  }
  portClients?.serve(running.attach);
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (error) => running.log.fatal({ err: error }, 'uncaught exception in the supervisor'));
  process.on('unhandledRejection', (error) => running.log.error({ err: error }, 'unhandled rejection in the supervisor'));

  const ready = {
    event: 'ready',
    ...(running.url ? { url: running.url } : {}),
    ...(running.uiUrl ? { ui: running.uiUrl } : {}),
    pid: process.pid,
    version: VERSION,
  };
  (options.stdio ? process.stderr : process.stdout).write(`${JSON.stringify(ready)}\n`);
  portClients?.announceReady({ pid: process.pid, version: VERSION });

  // A person at a terminal can unlock the secrets file right here; the bridge already serves meanwhile.
  const secrets = running.secrets.status();
  if (!options.stdio && !options.parentPort && process.stdin.isTTY && secrets.backend === 'file' && secrets.locked) {
    if (!(await promptForMasterPassword(running.secrets, process.stdin as ReadStream, process.stderr))) running.log.info('secrets left locked at the prompt');
  }
}

void main();
