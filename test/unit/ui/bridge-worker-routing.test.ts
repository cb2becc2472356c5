/**
 * The bridge worker's routing (ui/src/bridge/batch-router.ts, batch-frame.ts, ui/src/results/row-store.ts): the grid's
 * sessions get their batches without rows past the head, the rows stay in the store as text and are read back by
 * range; every other frame passes through as the text it came as.
 */
import { describe, expect, it } from 'vitest';
import { BatchRouter } from '../../../ui/src/bridge/batch-router.js';
import { splitBatchFrame } from '../../../ui/src/bridge/batch-frame.js';
import { HEAD_ROWS } from '../../../ui/src/bridge/worker-messages.js';
import { RowStore, TextBatches } from '../../../ui/src/results/row-store.js';

function resultFrame(sessionId: string, runId: string, batchIndex: number, first: number, count: number, extra: Record<string, unknown> = {}): string {
  const rows = Array.from({ length: count }, (_, i) => [first + i, `name_${first + i}`]);
  // As the bridge serializes it (workers/result-batch-encoder.ts): rowCount before, rows last.
  const params = { sessionId, runId, resultSetIndex: 0, batchIndex, rowCount: count, columns: [{ name: 'g', type: 'int4' }, { name: 'name', type: 'text' }], complete: false, ...extra, rows };
  return JSON.stringify({ jsonrpc: '2.0', method: 'query.result', params });
}

describe('the bridge worker routing', () => {
  it('keeps the rows of a kept session and lets only the head through', () => {
    const store = new RowStore();
    const router = new BatchRouter(store);
    store.keep('s_1', true);
    const first = router.incoming(resultFrame('s_1', 'r_1', 0, 1, 150)) as { params: { rows: unknown[]; batchRows: number; runId: string } };
    const second = router.incoming(resultFrame('s_1', 'r_1', 1, 151, 150)) as { params: { rows: unknown[][]; batchRows: number } };
    const third = router.incoming(resultFrame('s_1', 'r_1', 2, 301, 150)) as { params: { rows: unknown[]; batchRows: number } };
    expect(first.params).toMatchObject({ runId: 'r_1', batchRows: 150 });
    expect(first.params.rows).toHaveLength(150);
    expect(second.params.batchRows).toBe(150);
    expect(second.params.rows).toHaveLength(HEAD_ROWS - 150);
    expect(second.params.rows.at(-1)).toEqual([HEAD_ROWS, `name_${HEAD_ROWS}`]);
    expect(third.params.rows).toEqual([]);
    const key = { sessionId: 's_1', runId: 'r_1', resultSetIndex: 0 };
    expect(store.read(key, 0, 2)).toEqual([
      [1, 'name_1'],
      [2, 'name_2'],
    ]);
    expect(store.read(key, 440, 1_000)).toEqual(Array.from({ length: 10 }, (_, i) => [441 + i, `name_${441 + i}`]));
  });

  it('passes frames of other sessions, answers and other events through as their text', () => {
    const store = new RowStore();
    const router = new BatchRouter(store);
    store.keep('s_1', true);
    const other = resultFrame('s_2', 'r_9', 0, 1, 10);
    expect(router.incoming(other)).toBe(other);
    const answer = '{"jsonrpc":"2.0","id":3,"result":{"ok":true,"data":{"sessionId":"s_1"}}}';
    expect(router.incoming(answer)).toBe(answer);
    const done = '{"jsonrpc":"2.0","method":"query.done","params":{"sessionId":"s_1","runId":"r_1","rows":0,"timeMs":1,"status":"success"}}';
    expect(router.incoming(done)).toBe(done);
    expect(store.read({ sessionId: 's_2', runId: 'r_9', resultSetIndex: 0 }, 0, 10)).toEqual([]);
  });

  it("keeps the rows of a kept session's query.fetchMore answers", () => {
    const store = new RowStore();
    const router = new BatchRouter(store);
    store.keep('s_1', true);
    router.incoming(resultFrame('s_1', 'r_4', 0, 1, 300, { cursorToken: 'r_4.1' }));
    router.outgoing(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'query.fetchMore', params: { sessionId: 's_1', cursorToken: 'r_4.1' } }));
    // A page without rowCount (not this bridge's serialization) is counted by parsing its rows.
    const page = { sessionId: 's_1', runId: 'r_4', resultSetIndex: 0, batchIndex: 1, columns: [], complete: true, rows: [[301], [302]] };
    const answer = router.incoming(JSON.stringify({ jsonrpc: '2.0', id: 7, result: { ok: true, data: page } })) as { result: { data: { rows: unknown[]; batchRows: number } } };
    expect(answer.result.data).toMatchObject({ rows: [], batchRows: 2, complete: true });
    expect(store.read({ sessionId: 's_1', runId: 'r_4', resultSetIndex: 0 }, 299, 302)).toEqual([[300, 'name_300'], [301], [302]]);
    // A second answer with the same id is not a fetchMore of ours any more.
    const again = JSON.stringify({ jsonrpc: '2.0', id: 7, result: { ok: true, data: page } });
    expect(router.incoming(again)).toBe(again);
  });

  it("drops a session's previous run when a new one starts, and everything when it is no longer kept", () => {
    const store = new RowStore();
    const router = new BatchRouter(store);
    store.keep('s_1', true);
    router.incoming(resultFrame('s_1', 'r_1', 0, 1, 10));
    router.incoming(resultFrame('s_1', 'r_2', 0, 100, 5));
    expect(store.read({ sessionId: 's_1', runId: 'r_1', resultSetIndex: 0 }, 0, 10)).toEqual([]);
    expect(store.read({ sessionId: 's_1', runId: 'r_2', resultSetIndex: 0 }, 0, 10)).toHaveLength(5);
    store.keep('s_1', false);
    expect(store.read({ sessionId: 's_1', runId: 'r_2', resultSetIndex: 0 }, 0, 10)).toEqual([]);
    const later = resultFrame('s_1', 'r_3', 0, 1, 3);
    expect(router.incoming(later)).toBe(later);
  });

  it('forgets a fetchMore answered with an error', () => {
    const store = new RowStore();
    const router = new BatchRouter(store);
    store.keep('s_1', true);
    router.outgoing(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'query.fetchMore', params: { sessionId: 's_1', cursorToken: 'x' } }));
    const refused = '{"jsonrpc":"2.0","id":8,"result":{"ok":false,"error":{"code":"INVALID_PARAMS","message":"stale"}}}';
    expect(router.incoming(refused)).toBe(refused);
    // The id is free again: a later answer with it (another call's) passes through whole.
    const other = JSON.stringify({ jsonrpc: '2.0', id: 8, result: { ok: true, data: { sessionId: 's_1', rows: [[1]] } } });
    expect(router.incoming(other)).toBe(other);
  });
});

describe('splitting a batch frame at its rows', () => {
  it('parses the head without the rows and keeps the rows array as text', () => {
    const frame = resultFrame('s_1', 'r_1', 0, 1, 3, { cursorToken: 'r_1:1' });
    const split = splitBatchFrame(frame)!;
    expect(split.head).toEqual({ jsonrpc: '2.0', method: 'query.result', params: expect.objectContaining({ sessionId: 's_1', rowCount: 3, cursorToken: 'r_1:1' }) });
    expect(split.head.params).not.toHaveProperty('rows');
    expect(JSON.parse(split.rowsText)).toEqual([[1, 'name_1'], [2, 'name_2'], [3, 'name_3']]);
  });

  it('is not fooled by "rows" inside values: a JSON column with a rows key, a string, a last value that is an object', () => {
    const rows = [[{ rows: [1, 2] }, ',"rows":[', { a: { b: 1 } }], [null, '"]}}', {}]];
    const frame = JSON.stringify({ jsonrpc: '2.0', id: 4, result: { ok: true, data: { sessionId: 's_1', runId: 'r_1', rowCount: 2, columns: [], complete: true, rows } } });
    const split = splitBatchFrame(frame)!;
    expect(split.head).toEqual({ jsonrpc: '2.0', id: 4, result: { ok: true, data: { sessionId: 's_1', runId: 'r_1', rowCount: 2, columns: [], complete: true } } });
    expect(JSON.parse(split.rowsText)).toEqual(rows);
  });

  it('returns null for frames that do not end with a rows array, and for text that is not JSON', () => {
    expect(splitBatchFrame('{"jsonrpc":"2.0","method":"query.done","params":{"rows":3}}')).toBeNull();
    expect(splitBatchFrame('{"a":{"rows":[1]},"b":2}')).toBeNull();
    expect(splitBatchFrame('[{"x":1,"rows":[1]}]')).toBeNull();
    expect(splitBatchFrame('not json ,"rows":[1]}')).toBeNull();
  });
});

describe('rows kept as batch text', () => {
  const batchText = (first: number, count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => [first + i]));

  it('reads any range across batch boundaries, and past the end as far as there are rows', () => {
    const set = new TextBatches();
    set.append(batchText(0, 3), 3);
    set.append('[]', 0);
    set.append(batchText(3, 1), 1);
    set.append(batchText(4, 5), 5);
    expect(set.count).toBe(9);
    expect(set.slice(0, 9).map((r) => r[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(set.slice(2, 5).map((r) => r[0])).toEqual([2, 3, 4]);
    expect(set.slice(8, 20).map((r) => r[0])).toEqual([8]);
    expect(set.slice(-5, 1).map((r) => r[0])).toEqual([0]);
    expect(set.slice(9, 12)).toEqual([]);
  });

  it('gives the same rows when a batch is read again after others pushed it out of the parsed cache', () => {
    const set = new TextBatches();
    for (let b = 0; b < 100; b++) set.append(batchText(b * 10, 10), 10);
    const first = set.slice(0, 10);
    set.slice(10, 1000);
    expect(set.slice(0, 10)).toEqual(first);
    expect(set.slice(995, 1000).map((r) => r[0])).toEqual([995, 996, 997, 998, 999]);
  });
});
