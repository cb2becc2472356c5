/**
 * `faulty` is a test connector, not part of the public API: a bridge without --enable-fault-injection refuses the type
 * at validation like any unknown type (-32602), on every method that takes a config; with the flag it is served. A
 * worker refuses to load it unless its init says fault injection is on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RpcFault } from '../../../protocol/client.js';
import { CONNECTOR_TYPES, type ConnectionConfig } from '../../../protocol/index.js';
import { spawnConnectionWorker } from '../../../supervisor/isolation/worker-host.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';

const FAULTY = { name: 'faulty', type: 'faulty' } as unknown as ConnectionConfig;

describe('the test-only faulty connector', () => {
  let bridge: BridgeProcess | undefined;
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.close();
    await bridge?.stop();
    client = bridge = undefined;
  });
  const start = async (args: string[]): Promise<TestClient> => {
    bridge = await startBridgeProcess({ args: ['--no-ui', '--no-sample', ...args] });
    client = await connectWs(bridge.ready.url, bridge.token);
    return client;
  };

  it('is not a public connector type', () => {
    expect(CONNECTOR_TYPES).toEqual(['postgres', 'mysql', 'sqlite']);
  });

  it('is refused as invalid params (-32602) by a bridge without --enable-fault-injection', async () => {
    const c = await start([]);
    const faultOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
    for (const call of [
      () => c.request('connection.create', { config: FAULTY }),
      () => c.request('connection.test', { config: FAULTY }),
    ]) {
      const fault = await faultOf(call());
      expect(fault).toBeInstanceOf(RpcFault);
      expect((fault as RpcFault).code).toBe(-32602);
    }
    const saved = await c.call('connection.create', { config: { name: 'mem', type: 'sqlite', database: ':memory:' } });
    const fault = await faultOf(c.request('connection.update', { id: saved.id, config: { type: 'faulty' } as unknown as Partial<ConnectionConfig> }));
    expect((fault as RpcFault).code).toBe(-32602);
    expect(await c.call('connection.list', {})).toEqual([saved]);
  });

  it('is served by a bridge with --enable-fault-injection', async () => {
    const c = await start(['--enable-fault-injection']);
    const created = await c.call('connection.create', { config: FAULTY });
    expect(created.type).toBe('faulty');
    expect(await c.call('connection.test', { connectionId: created.id })).toMatchObject({ ok: true });
  });

  it('is refused by a worker whose init does not enable fault injection', async () => {
    const worker = spawnConnectionWorker({ isolation: 'thread', name: 'faulty-gate' });
    try {
      await expect(worker.api.init({ name: 'x', type: 'faulty' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    } finally {
      await worker.stop(1000).catch(() => worker.kill());
    }
  });
});
