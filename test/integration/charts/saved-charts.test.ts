/**
 * Saved charts over the real bridge (docs/api.md "chart.save"): created, listed (all, or one connection's),
 * replaced by id, deleted; an unknown chart is CHART_NOT_FOUND, an unknown connection CONNECTION_NOT_FOUND, a bad
 * spec a params fault; a chart survives a bridge restart and goes with its connection.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcFault } from '../../../protocol/client.js';
import type { ChartSpec } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';

describe('saved charts', () => {
  let bridge: BridgeProcess;
  let c: TestClient;
  let connectionId: string;
  const spec: ChartSpec = { kind: 'line', x: 'day', y: ['revenue'], groupBy: 'region' };

  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--no-ui'] });
    c = await connectWs(bridge.ready.url, bridge.token);
    connectionId = (await c.call('connection.list', {})).find((x) => x.name.startsWith('Sample'))!.id;
  });
  afterAll(async () => {
    await c?.close();
    await bridge?.stop();
  });

  it('saves, lists, replaces and deletes', async () => {
    const first = await c.call('chart.save', { name: ' Revenue ', connectionId, sql: 'select 1', spec });
    expect(first).toMatchObject({ name: 'Revenue', connectionId, sql: 'select 1', spec });
    expect(first.id).toMatch(/^chart_/);
    // By position, as docs/api.md tables the params.
    const second = await c.call('chart.save', ['By status', connectionId, 'select 2', { kind: 'pie', x: 'status', y: ['n'] }] as never);
    expect((await c.call('chart.list', {})).map((x) => x.name)).toEqual(['By status', 'Revenue']);
    expect(await c.call('chart.list', { connectionId: 'conn_other' })).toEqual([]);

    const replaced = await c.call('chart.save', { id: first.id, name: 'Revenue', connectionId, sql: 'select 3', spec: { ...spec, kind: 'area' } });
    expect(replaced).toMatchObject({ id: first.id, sql: 'select 3', spec: { kind: 'area' }, createdAt: first.createdAt });

    expect(await c.call('chart.delete', { id: second.id })).toEqual({});
    expect((await c.call('chart.list', { connectionId })).map((x) => x.id)).toEqual([first.id]);
  });

  it('names what is wrong', async () => {
    await expect(c.call('chart.delete', { id: 'chart_missing' })).rejects.toMatchObject({ code: 'CHART_NOT_FOUND' });
    await expect(c.call('chart.save', { id: 'chart_missing', name: 'x', connectionId, sql: 'select 1', spec })).rejects.toMatchObject({ code: 'CHART_NOT_FOUND' });
    await expect(c.call('chart.save', { name: 'x', connectionId: 'conn_missing', sql: 'select 1', spec })).rejects.toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    const fault = await c.call('chart.save', { name: 'x', connectionId, sql: 'select 1', spec: { kind: 'radar', x: 'a', y: [] } } as never).catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(RpcFault);
    expect((fault as RpcFault).code).toBe(-32602);
    expect(JSON.stringify((fault as RpcFault).data)).toContain('"kind"');
  });

  it('keeps charts across a restart and deletes them with their connection', async () => {
    const created = await c.call('connection.create', { config: { name: 'Scratch', type: 'sqlite', database: join(bridge.dataDir, 'scratch.db'), extra: { create: true } } });
    await c.close();
    expect(await bridge.stop({ keepDataDir: true })).toBe(0);
    bridge = await startBridgeProcess({ args: ['--no-ui'], dataDir: bridge.dataDir, token: bridge.token });
    c = await connectWs(bridge.ready.url, bridge.token);
    expect((await c.call('chart.list', {})).map((x) => x.name)).toEqual(['Revenue']);
    await c.call('chart.save', { name: 'Scratch chart', connectionId: created.id, sql: 'select 1', spec });
    expect(await c.call('chart.list', { connectionId: created.id })).toHaveLength(1);
    await c.call('connection.delete', { id: created.id });
    expect((await c.call('chart.list', {})).map((x) => x.name)).toEqual(['Revenue']);
  });
});
