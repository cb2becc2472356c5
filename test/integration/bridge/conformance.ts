/**
 * The wire-contract conformance suite, run over every transport (WebSocket, stdio, MessagePort): the same
 * messages must get the same answers whatever carries them.
 */
import { expect, it } from 'vitest';
import type { Connection } from '../../../protocol/index.js';
import type { TestClient } from '../../helpers/clients.js';

type Answer = { jsonrpc: string; id: unknown; result?: { ok: boolean; data?: unknown; error?: { code: string } }; error?: { code: number; message: string; data?: { issues?: Array<{ path: unknown[] }> } } };

/** Sends raw text and resolves with the next answer carrying `id` (or the first id-null fault). */
async function rawCall(client: TestClient, text: string, id: unknown): Promise<Answer> {
  const before = client.messages.length;
  client.raw.send(text);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const m of client.messages.slice(before)) {
      const msg = m as Answer | Answer[];
      if (Array.isArray(msg)) continue;
      if (msg && 'id' in msg && msg.id === id) return msg;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no answer with id ${String(id)} to ${text.slice(0, 80)}`);
}

export function conformanceSuite(getClient: () => TestClient): void {
  const sample = async (): Promise<Connection> => {
    const list = await getClient().call('connection.list', {});
    const found = list.find((c) => c.name === 'Sample (SQLite)');
    expect(found, 'the sample connection exists on first start').toBeDefined();
    return found!;
  };

  it('runs select * from orders limit 1000 on the sample: batches, then exactly one query.done', async () => {
    const client = getClient();
    const conn = await sample();
    const { sessionId } = await client.call('query.createSession', { connectionId: conn.id });
    const { runId } = await client.call('query.run', { sessionId, sql: 'select * from orders limit 1000' });
    const run = await client.collectRun(runId);
    expect(run.errors).toEqual([]);
    expect(run.done).toMatchObject({ sessionId, runId, rows: 1000, status: 'success' });
    expect(run.results.reduce((n, r) => n + r.rows.length, 0)).toBe(1000);
    expect(run.results.length).toBeGreaterThan(1);
    expect(run.results.map((r) => r.batchIndex)).toEqual(run.results.map((_, i) => i));
    expect(run.results.at(-1)!.complete).toBe(true);
    expect(run.results.slice(0, -1).every((r) => !r.complete)).toBe(true);
    expect(run.results[0]!.columns.map((c) => c.name)).toContain('id');
    expect(Object.keys(run.results[0]!.rows[0]!)).toEqual(run.results[0]!.columns.map((c) => c.name));
    await new Promise((r) => setTimeout(r, 100));
    const dones = client.messages.filter((m) => (m as { method?: string; params?: { runId?: string } }).method === 'query.done' && (m as { params: { runId: string } }).params.runId === runId);
    expect(dones).toHaveLength(1);
    await client.call('query.closeSession', { sessionId });
  });

  it('describes the sample schema: tables, a view, columns, indexes and foreign keys', async () => {
    const conn = await sample();
    const meta = await getClient().call('metadata.listSchemas', { connectionId: conn.id });
    const main = meta.schemas.find((s) => s.name === 'main')!;
    expect(main.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['customers', 'orders', 'order_items', 'products']));
    expect(main.views.map((v) => v.name)).toContain('order_totals');
    const items = main.tables.find((t) => t.name === 'order_items')!;
    expect(items.foreignKeys).toEqual(
      expect.arrayContaining([expect.objectContaining({ columns: ['order_id'], referencedTable: 'orders', onDelete: 'CASCADE' })]),
    );
    const info = await getClient().call('metadata.tableInfo', { connectionId: conn.id, tableName: 'orders' });
    expect(info).toEqual(main.tables.find((t) => t.name === 'orders'));
    expect(info.indexes.length).toBeGreaterThan(0);
    expect(info.columns.find((c) => c.name === 'id')).toMatchObject({ primaryKey: true });
  });

  it('answers malformed JSON with -32700 and id null, and keeps serving', async () => {
    const answer = await rawCall(getClient(), '{"jsonrpc":"2.0","method":', null);
    expect(answer.error?.code).toBe(-32700);
    expect((await getClient().call('health.ping', {})).pid).toBeGreaterThan(0);
  });

  it('answers an unknown method with -32601', async () => {
    const answer = await rawCall(getClient(), JSON.stringify({ jsonrpc: '2.0', id: 'u1', method: 'no.such' }), 'u1');
    expect(answer.error?.code).toBe(-32601);
  });

  it('answers wrong param types with -32602 and lists each bad field in data.issues', async () => {
    const answer = await rawCall(
      getClient(),
      JSON.stringify({ jsonrpc: '2.0', id: 'p1', method: 'query.run', params: { sessionId: 5, sql: ['x'], opts: { batchSize: 0 } } }),
      'p1',
    );
    expect(answer.error?.code).toBe(-32602);
    const paths = answer.error!.data!.issues!.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['sessionId', 'sql', 'opts.batchSize']));
  });

  it('answers an invalid request object with -32600', async () => {
    const answer = await rawCall(getClient(), JSON.stringify({ jsonrpc: '1.0', id: 'v1', method: 'health.ping' }), 'v1');
    expect(answer.error?.code).toBe(-32600);
  });

  it('accepts params by position', async () => {
    const conn = await sample();
    const answer = await rawCall(getClient(), JSON.stringify({ jsonrpc: '2.0', id: 'pos1', method: 'connection.get', params: [conn.id] }), 'pos1');
    expect(answer.result).toMatchObject({ ok: true, data: { id: conn.id, name: 'Sample (SQLite)' } });
    const tooMany = await rawCall(getClient(), JSON.stringify({ jsonrpc: '2.0', id: 'pos2', method: 'connection.get', params: [conn.id, 1] }), 'pos2');
    expect(tooMany.error?.code).toBe(-32602);
  });

  it('answers a batch with an array, skipping notifications', async () => {
    const client = getClient();
    const before = client.messages.length;
    client.raw.send(JSON.stringify([
      { jsonrpc: '2.0', id: 'b1', method: 'health.ping' },
      { jsonrpc: '2.0', method: 'health.ping' },
      { jsonrpc: '2.0', id: 'b2', method: 'nope' },
    ]));
    await expect.poll(() => client.messages.slice(before).find(Array.isArray)).toBeDefined();
    const batch = client.messages.slice(before).find(Array.isArray) as Answer[];
    expect(batch.map((a) => a.id).sort()).toEqual(['b1', 'b2']);
    expect(batch.find((a) => a.id === 'b2')!.error?.code).toBe(-32601);
  });

  it('never answers a notification', async () => {
    const client = getClient();
    const before = client.messages.length;
    client.raw.send(JSON.stringify({ jsonrpc: '2.0', method: 'health.ping' }));
    client.raw.send(JSON.stringify({ jsonrpc: '2.0', method: 'no.such.method' }));
    await client.call('health.ping', {});
    expect(client.messages.slice(before)).toHaveLength(1);
  });

  it('reports a method failure as an envelope error with a registry code', async () => {
    const envelope = await getClient().request('connection.get', { id: 'conn_missing' });
    expect(envelope).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONNECTION_NOT_FOUND' }) });
  });

  it('keeps each session private to the client that created it', async () => {
    const envelope = await getClient().request('query.run', { sessionId: 's_not_mine', sql: 'select 1' });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });
}
