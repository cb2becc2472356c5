/**
 * mode 'page': the first batch is pushed, the rest are pulled with query.fetchMore; the cursor stays open between
 * pages, every row arrives exactly once, and the run's one query.done follows the page that completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchMoreResult, QueryResultEvent } from '../../../protocol/index.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';

const pg = await testDatabase('postgres');

describe('page mode and query.fetchMore', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  let sampleId: string;

  beforeAll(async () => {
    bridge = await startBridgeProcess();
    client = await connectWs(bridge.ready.url, bridge.token);
    sampleId = (await client.call('connection.list', {})).find((c) => c.type === 'sqlite')!.id;
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  const pageThrough = async (connectionId: string, sql: string, batchSize: number) => {
    const { sessionId } = await client.call('query.createSession', { connectionId });
    const { runId } = await client.call('query.run', { sessionId, sql, opts: { mode: 'page', batchSize, rowFormat: 'array' } });
    const first = await client.waitFor<QueryResultEvent>('query.result', (p) => p.runId === runId);
    const pages: Array<QueryResultEvent | FetchMoreResult> = [first];
    let last: QueryResultEvent | FetchMoreResult = first;
    while (!last.complete) {
      expect(last.cursorToken).toEqual(expect.any(String));
      last = await client.call('query.fetchMore', { sessionId, cursorToken: last.cursorToken! });
      pages.push(last);
    }
    expect(last.cursorToken).toBeUndefined();
    const done = await client.waitFor<{ runId: string; status: string; rows: number }>('query.done', (d) => d.runId === runId);
    // Only the first page is an event; the others came as fetchMore answers.
    expect(client.messages.filter((m) => (m as { method?: string; params?: { runId?: string } }).method === 'query.result' && (m as { params: { runId: string } }).params.runId === runId)).toHaveLength(1);
    return { sessionId, runId, pages, done };
  };

  it('returns every row of the sample exactly once, in order, and ends with one query.done', async () => {
    const { pages, done, sessionId } = await pageThrough(sampleId, 'select id from orders order by id', 1000);
    const ids = pages.flatMap((p) => p.rows.map((r) => Number((r as unknown[])[0])));
    const count = await client.call('query.run', { sessionId, sql: 'select count(*) as n from orders' });
    const total = (await client.collectRun(count.runId)).results[0]!.rows[0] as { n: string };
    expect(ids).toHaveLength(Number(total.n));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(done).toMatchObject({ status: 'success', rows: ids.length });
    expect(pages.length).toBe(Math.ceil(ids.length / 1000));
  });

  it('refuses a stale token, a second run while paging, fetchMore without a page run, and a fetch after the run was cancelled', async () => {
    const { sessionId } = await client.call('query.createSession', { connectionId: sampleId });
    const none = await client.request('query.fetchMore', { sessionId, cursorToken: 'x' });
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    const { runId } = await client.call('query.run', { sessionId, sql: 'select id from orders', opts: { mode: 'page', batchSize: 100 } });
    const first = await client.waitFor<QueryResultEvent>('query.result', (p) => p.runId === runId);
    const second = await client.call('query.fetchMore', { sessionId, cursorToken: first.cursorToken! });
    expect(second.rows).toHaveLength(100);
    const stale = await client.request('query.fetchMore', { sessionId, cursorToken: first.cursorToken! });
    expect(stale).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    expect(await client.request('query.run', { sessionId, sql: 'select 1' })).toMatchObject({ ok: false, error: { code: 'SESSION_BUSY' } });
    // Abandoning the cursor: cancel ends the run with its one query.done, and the session works again.
    const collected = client.collectRun(runId);
    expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: true });
    expect((await collected).done.status).toBe('cancelled');
    // A fetch that was on its way when the run ended is told how the run ended, not that there never was one.
    const late = await client.request('query.fetchMore', { sessionId, cursorToken: second.cursorToken! });
    expect(late).toMatchObject({ ok: false, error: { code: 'QUERY_CANCELLED', details: { runId } } });
    const next = await client.call('query.run', { sessionId, sql: 'select 1 as one' });
    expect((await client.collectRun(next.runId)).done.status).toBe('success');
  });

  it.skipIf(pg.skip)('keeps a PostgreSQL cursor open between pages', async () => {
    const { id } = await client.call('connection.create', { config: configFromUrl(pg.url!, 'pg pages') });
    const { pages, done } = await pageThrough(id, 'select g from generate_series(1, 10000) g', 2500);
    expect(pages.flatMap((p) => p.rows.map((r) => Number((r as unknown[])[0])))).toEqual(Array.from({ length: 10000 }, (_, i) => i + 1));
    expect(done).toMatchObject({ status: 'success', rows: 10000 });
  });
});
