/**
 * The bridge worker's routing (ui/src/bridge/batch-router.ts, ui/src/results/row-store.ts): the grid's sessions get
 * their batches without rows past the head, the rows stay in the store and are read back by range; every other frame
 * passes through as the text it came as.
 */
import { describe, expect, it } from 'vitest';
import { BatchRouter } from '../../../ui/src/bridge/batch-router.js';
import { HEAD_ROWS } from '../../../ui/src/bridge/worker-messages.js';
import { RowStore } from '../../../ui/src/results/row-store.js';

function resultFrame(sessionId: string, runId: string, batchIndex: number, first: number, count: number, extra: Record<string, unknown> = {}): string {
  const rows = Array.from({ length: count }, (_, i) => [first + i, `name_${first + i}`]);
  const params = { sessionId, runId, resultSetIndex: 0, batchIndex, columns: [{ name: 'g', type: 'int4' }, { name: 'name', type: 'text' }], complete: false, ...extra, rows };
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
});
