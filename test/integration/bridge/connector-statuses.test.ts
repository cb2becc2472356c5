/**
 * connector.statuses (docs/api.md): a client that connects after a connection's worker started — a reloaded page —
 * learns its status without waiting for an event that will not come; a connection never used, or closed by an
 * update, is not listed (idle).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';

describe('connector.statuses', () => {
  let bridge: BridgeProcess;
  let first: TestClient;
  let connectionId: string;

  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--no-ui'] });
    first = await connectWs(bridge.ready.url, bridge.token);
    connectionId = (await first.call('connection.list', {})).find((c) => c.type === 'sqlite')!.id;
  });
  afterAll(async () => {
    await first?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('lists nothing before any connection is used', async () => {
    expect(await first.call('connector.statuses', {})).toEqual([]);
  });

  it('gives a client that connects later the status of a worker that is already ready', async () => {
    const { sessionId } = await first.call('query.createSession', { connectionId });
    const { runId } = await first.call('query.run', { sessionId, sql: 'select 1 as one' });
    expect((await first.collectRun(runId)).done.status).toBe('success');

    const late = await connectWs(bridge.ready.url, bridge.token);
    try {
      expect(await late.call('connector.statuses', {})).toEqual([{ connectionId, status: 'ready' }]);
    } finally {
      await late.close();
    }
  });

  it('drops a connection whose worker an update closed: it is idle until its next use', async () => {
    await first.call('connection.update', { id: connectionId, config: { name: 'Sample, renamed' } });
    expect(await first.call('connector.statuses', {})).toEqual([]);
  });
});
