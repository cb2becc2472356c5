import { afterAll, beforeAll, describe, expect } from 'vitest';
import { stdioClient, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { conformanceSuite } from './conformance.js';

describe('the bridge over stdio (NDJSON)', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  beforeAll(async () => {
    bridge = await startBridgeProcess({ stdio: true });
    client = stdioClient(bridge.child);
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  conformanceSuite(() => client);
});
