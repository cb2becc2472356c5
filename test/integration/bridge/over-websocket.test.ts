import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, UpgradeRefused, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { conformanceSuite } from './conformance.js';

describe('the bridge over WebSocket', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  beforeAll(async () => {
    bridge = await startBridgeProcess();
    client = await connectWs(bridge.ready.url, bridge.token);
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('prints the ready line of docs/api.md', () => {
    expect(bridge.ready).toEqual({
      event: 'ready',
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/rpc$/),
      ui: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/),
      pid: bridge.child.pid,
      version: expect.any(String),
    });
  });

  it('refuses the upgrade without a token (401), with a wrong one (401), and from a foreign Origin (403)', async () => {
    await expect(connectWs(bridge.ready.url, undefined)).rejects.toEqual(new UpgradeRefused(401));
    await expect(connectWs(bridge.ready.url, 'wrong')).rejects.toEqual(new UpgradeRefused(401));
    await expect(connectWs(bridge.ready.url, bridge.token, { origin: 'http://evil.example' })).rejects.toEqual(new UpgradeRefused(403));
    const port = new URL(bridge.ready.url).port;
    const own = await connectWs(bridge.ready.url, bridge.token, { origin: `http://127.0.0.1:${port}`, tokenIn: 'header' });
    expect((await own.call('health.ping', {})).pid).toBe(bridge.child.pid);
    await own.close();
  });

  it('closes a connection that sends more than 16 MiB with 1009, and keeps serving others', async () => {
    const big = await connectWs(bridge.ready.url, bridge.token);
    big.raw.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'health.ping', params: { pad: 'x'.repeat(17 * 1024 * 1024) } }));
    expect((await big.closed).code).toBe(1009);
    expect((await client.call('health.ping', {})).pid).toBe(bridge.child.pid);
  });

  conformanceSuite(() => client);
});
