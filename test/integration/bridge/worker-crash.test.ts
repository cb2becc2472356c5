/**
 * A crashing driver never takes the bridge down: killing the SQLite worker process (SIGKILL), idle or mid-query,
 * ends the affected run with query.error WORKER_CRASHED + one query.done, the connector goes restarting → ready,
 * and the next query works — on the same session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorStatusEvent, DebugState } from '../../../protocol/index.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';

const LONG_QUERY = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000000000) select count(*) from c';

describe('killing the SQLite worker process', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  let connectionId: string;
  let sessionId: string;
  const statuses: ConnectorStatusEvent[] = [];

  const workerPid = async (): Promise<number> => {
    const state: DebugState = await client.call('debug.dumpState', {});
    const worker = state.workers.find((w) => w.connectionId === connectionId);
    expect(worker?.isolation).toBe('process');
    expect(worker?.pid).toBeGreaterThan(0);
    expect(worker?.pid).not.toBe(bridge.child.pid);
    return worker!.pid!;
  };
  const waitForStatus = async (status: string, after: number): Promise<void> => {
    await expect.poll(() => statuses.slice(after).some((s) => s.status === status), { timeout: 15_000 }).toBe(true);
  };
  const runToEnd = async (sql: string) => {
    const { runId } = await client.call('query.run', { sessionId, sql });
    return client.collectRun(runId);
  };

  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--enable-debug'] });
    client = await connectWs(bridge.ready.url, bridge.token);
    client.on('connector.status', (s) => statuses.push(s));
    connectionId = (await client.call('connection.list', {})).find((c) => c.type === 'sqlite')!.id;
    sessionId = (await client.call('query.createSession', { connectionId })).sessionId;
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('while idle: the connector restarts and the next query works', async () => {
    const pid = await workerPid();
    const mark = statuses.length;
    process.kill(pid, 'SIGKILL');
    await waitForStatus('restarting', mark);
    await waitForStatus('ready', mark);
    const order = statuses.slice(mark).map((s) => s.status);
    expect(order.indexOf('restarting')).toBeLessThan(order.lastIndexOf('ready'));
    const run = await runToEnd('select count(*) as n from customers');
    expect(run.done.status).toBe('success');
    expect(run.results[0]!.rows).toHaveLength(1);
    expect(await workerPid()).not.toBe(pid);
  });

  it('mid-query: the run ends with WORKER_CRASHED and exactly one query.done, and the next query works', async () => {
    const pid = await workerPid();
    const { runId } = await client.call('query.run', { sessionId, sql: LONG_QUERY });
    const collected = client.collectRun(runId);
    await new Promise((r) => setTimeout(r, 300));
    const mark = statuses.length;
    process.kill(pid, 'SIGKILL');
    const run = await collected;
    expect(run.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
    expect(run.done.status).toBe('error');
    await waitForStatus('ready', mark);
    expect(statuses.slice(mark).map((s) => s.status)).toContain('restarting');
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages.filter((m) => (m as { method?: string; params?: { runId?: string } }).method === 'query.done' && (m as { params: { runId: string } }).params.runId === runId)).toHaveLength(1);

    const next = await runToEnd('select * from orders limit 10');
    expect(next.done).toMatchObject({ status: 'success', rows: 10 });
    expect((await client.call('health.ping', {})).pid).toBe(bridge.child.pid);
  });
});
