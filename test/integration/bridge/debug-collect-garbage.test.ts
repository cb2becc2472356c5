/**
 * debug.dumpState's collectGarbage (docs/api.md): a bridge started with node's --expose-gc runs a full collection
 * before it reads its memory (the soak harness judges the live heap so), and says so in memory.afterGc; any other
 * bridge answers as before, afterGc false.
 */
import { describe, expect, it } from 'vitest';
import type { DebugState } from '../../../protocol/index.js';
import { connectWs } from '../../helpers/clients.js';
import { startBridgeProcess } from '../../helpers/bridge-process.js';

async function dumpAfterGc(nodeFlags: string[]): Promise<DebugState['memory']> {
  const bridge = await startBridgeProcess({ nodeFlags, args: ['--no-ui', '--no-sample', '--enable-debug'] });
  const client = await connectWs(bridge.ready.url, bridge.token);
  try {
    return (await client.call('debug.dumpState', { collectGarbage: true })).memory;
  } finally {
    await client.close();
    expect(await bridge.stop()).toBe(0);
  }
}

describe('debug.dumpState collectGarbage', () => {
  it('collects before reading memory when the bridge runs with --expose-gc', async () => {
    const memory = await dumpAfterGc(['--expose-gc']);
    expect(memory.afterGc).toBe(true);
    expect(memory.heapUsed).toBeGreaterThan(0);
    expect(memory.heapUsed).toBeLessThanOrEqual(memory.heapTotal);
  });

  it('answers without collecting, afterGc false, on a bridge without --expose-gc', async () => {
    expect((await dumpAfterGc([])).afterGc).toBe(false);
  });
});
