import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe } from 'vitest';
import { startBridge, type Bridge } from '../../../supervisor/bridge.js';
import { createMessagePortTransport } from '../../../supervisor/transports/message-port-transport.js';
import { portClient, type TestClient } from '../../helpers/clients.js';
import { conformanceSuite } from './conformance.js';

describe('the bridge over an in-memory MessagePort pair', () => {
  let bridge: Bridge;
  let client: TestClient;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dbv-port-'));
    bridge = await startBridge({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      token: 'port-test',
      allowOrigins: [],
      logLevel: 'debug',
      ui: false,
      sample: true,
      faultInjection: false,
      version: 'test',
    });
    const { port1, port2 } = new MessageChannel();
    bridge.attach(createMessagePortTransport(port1));
    client = portClient(port2);
  });
  afterAll(async () => {
    await client?.close();
    await bridge?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  conformanceSuite(() => client);
});
