/**
 * The bridge worker's coalescing of count-only batches (ui/src/bridge/message-coalescer.ts): held messages reach the
 * page together after the delay, as one array; anything posted meanwhile flushes them first, so order is kept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCountOnly } from '../../../ui/src/bridge/batch-router.js';
import { MessageCoalescer } from '../../../ui/src/bridge/message-coalescer.js';
import type { FromWorker } from '../../../ui/src/bridge/worker-messages.js';

describe('coalescing count-only batches', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('posts the held messages together after the delay, one alone as itself', () => {
    const posted: FromWorker[] = [];
    const coalescer = new MessageCoalescer((m) => posted.push(m), 16);
    coalescer.hold(1, { n: 1 });
    coalescer.hold(1, { n: 2 });
    expect(posted).toEqual([]);
    vi.advanceTimersByTime(16);
    expect(posted).toEqual([{ type: 'message', socket: 1, data: [{ n: 1 }, { n: 2 }] }]);
    coalescer.hold(1, { n: 3 });
    vi.advanceTimersByTime(16);
    expect(posted.at(-1)).toEqual({ type: 'message', socket: 1, data: { n: 3 } });
    vi.advanceTimersByTime(100);
    expect(posted).toHaveLength(2);
  });

  it('flushes before another socket’s message and on demand, keeping the order', () => {
    const posted: FromWorker[] = [];
    const coalescer = new MessageCoalescer((m) => posted.push(m), 16);
    coalescer.hold(1, { n: 1 });
    coalescer.hold(2, { n: 2 });
    coalescer.flush();
    expect(posted).toEqual([
      { type: 'message', socket: 1, data: { n: 1 } },
      { type: 'message', socket: 2, data: { n: 2 } },
    ]);
    coalescer.flush();
    vi.advanceTimersByTime(50);
    expect(posted).toHaveLength(2);
  });

  it('holds only streamed batches of kept sessions without head rows, never a fetchMore answer', () => {
    expect(isCountOnly({ method: 'query.result', params: { rows: [], batchRows: 1000 } })).toBe(true);
    expect(isCountOnly({ id: 4, result: { ok: true, data: { rows: [], batchRows: 2 } } })).toBe(false);
    expect(isCountOnly({ method: 'query.result', params: { rows: [[1]], batchRows: 1000 } })).toBe(false);
    expect(isCountOnly({ method: 'query.result', params: { rows: [] } })).toBe(false);
    expect(isCountOnly('{"jsonrpc":"2.0","method":"query.done","params":{}}')).toBe(false);
  });
});
