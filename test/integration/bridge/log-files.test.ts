/**
 * The bridge logs JSON lines to rotating files under <data-dir>/logs, with child-logger context, and nothing of it
 * is lost at shutdown: the last line written before exit is on disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectWs } from '../../helpers/clients.js';
import { startBridgeProcess } from '../../helpers/bridge-process.js';

describe('log files', () => {
  it('are JSON lines with connection and session context, flushed up to the shutdown line', async () => {
    const bridge = await startBridgeProcess({ args: ['--log-level', 'debug'] });
    const client = await connectWs(bridge.ready.url, bridge.token);
    const sample = (await client.call('connection.list', {}))[0]!;
    const { sessionId } = await client.call('query.createSession', { connectionId: sample.id });
    await client.call('query.closeSession', { sessionId });
    await client.close();
    expect(await bridge.stop({ keepDataDir: true })).toBe(0);

    const dir = join(bridge.dataDir, 'logs');
    const lines = readdirSync(dir)
      .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'))
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { msg?: string; level: number; connectionId?: string; pid: number; status?: string });
    expect(lines.filter((l) => typeof l.level !== 'number' || l.pid !== bridge.child.pid)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'connection worker ready').map((l) => l.connectionId)).toContain(sample.id);
    // Written during shutdown, just before exit: the worker's connector going `closed` comes after 'shutting down'.
    const shutdown = lines.findIndex((l) => l.msg === 'shutting down');
    expect(shutdown).toBeGreaterThan(0);
    expect(lines.slice(shutdown).some((l) => l.msg === 'connector status' && l.status === 'closed' && l.connectionId === sample.id)).toBe(true);
  });
});
