/**
 * debug.dumpState is a support tool: served only by a bridge started with --enable-debug (or DBV_ENABLE_DEBUG=1).
 * Otherwise it answers FORBIDDEN with `details.reason: 'debug-disabled'`, and nothing else changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugState } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';

describe('debug.dumpState behind --enable-debug', () => {
  let bridge: BridgeProcess | undefined;
  let client: TestClient | undefined;

  afterEach(async () => {
    await client?.close();
    await bridge?.stop();
    client = bridge = undefined;
  });

  const start = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<TestClient> => {
    bridge = await startBridgeProcess({ args: ['--no-ui', '--no-sample', ...args], env: { DBV_ENABLE_DEBUG: undefined, ...env } });
    client = await connectWs(bridge.ready.url, bridge.token);
    return client;
  };

  it('is refused with FORBIDDEN (reason debug-disabled) by default; the rest of the API is served', async () => {
    const c = await start([]);
    expect(await c.request('debug.dumpState', {})).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('--enable-debug'), details: { reason: 'debug-disabled' } },
    });
    expect(await c.call('health.ping', {})).toMatchObject({ pid: bridge!.ready.pid });
    expect(await c.request('debug.dumpState', [] as unknown as Record<string, never>)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('is refused when DBV_ENABLE_DEBUG is set to something other than 1', async () => {
    const c = await start([], { DBV_ENABLE_DEBUG: 'yes' });
    expect(await c.request('debug.dumpState', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it.each([
    ['--enable-debug', ['--enable-debug'], {}],
    ['DBV_ENABLE_DEBUG=1', [], { DBV_ENABLE_DEBUG: '1' }],
  ])('is served with %s', async (_name, args, env) => {
    const c = await start(args, env);
    const state: DebugState = await c.call('debug.dumpState', {});
    expect(state).toMatchObject({ pid: bridge!.ready.pid, workers: [], sessions: [] });
    expect(state.clients).toHaveLength(1);
  });
});
