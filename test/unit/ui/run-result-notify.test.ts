/**
 * How often a run's listeners (the results panel, the grid) hear of new rows (ui/src/results/run-result.ts): the
 * first rows and the end at the next animation frame, streamed batches in between at most ten times a second.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunResult } from '../../../ui/src/results/run-result.js';

const columns = [{ name: 'g', type: 'int4' }];

describe('run result notifications', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // Node has no animation frames: one every 16 ms of the fake clock.
    vi.stubGlobal('requestAnimationFrame', (callback: (time: number) => void) => setTimeout(() => callback(performance.now()), 16));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('tells of the first rows at the next frame, then at most every 100 ms while rows stream, and of the end at once', () => {
    const result = new RunResult(0, 'select 1');
    let notices = 0;
    result.subscribe(() => notices++);
    result.addBatch({ resultSetIndex: 0, rows: [[1]], columns, complete: false });
    vi.advanceTimersByTime(20);
    expect(notices).toBe(1);
    // A batch every 5 ms for 300 ms: about three notices, not one per frame (about eighteen).
    for (let i = 0; i < 60; i++) {
      result.addBatch({ resultSetIndex: 0, rows: [[i + 2]], columns, complete: false });
      vi.advanceTimersByTime(5);
    }
    expect(notices).toBeGreaterThanOrEqual(3);
    expect(notices).toBeLessThanOrEqual(5);
    const before = notices;
    result.finish({ status: 'success', timeMs: 300 });
    vi.advanceTimersByTime(20);
    expect(notices).toBe(before + 1);
    expect(result.sets[0].rowCount).toBe(61);
  });
});
