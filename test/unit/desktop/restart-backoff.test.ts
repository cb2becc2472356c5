import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff } from '../../../ui/electron/restart-backoff.js';

describe('RestartBackoff', () => {
  it('backs off quick crashes 250 ms, doubling, capped at 8 s', () => {
    const backoff = new RestartBackoff({ ...DEFAULT_RESTART_BACKOFF, giveUpAfter: 100 });
    const delays = Array.from({ length: 8 }, () => {
      const decision = backoff.afterExit(100);
      return decision.restart ? decision.delayMs : -1;
    });
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('numbers the attempts and gives up after giveUpAfter quick crashes in a row', () => {
    const backoff = new RestartBackoff({ delaysMs: [10], stableAfterMs: 1000, giveUpAfter: 3 });
    expect(backoff.afterExit(5)).toEqual({ restart: true, delayMs: 10, attempt: 1 });
    expect(backoff.afterExit(5)).toEqual({ restart: true, delayMs: 10, attempt: 2 });
    expect(backoff.afterExit(5)).toEqual({ restart: true, delayMs: 10, attempt: 3 });
    expect(backoff.afterExit(5)).toEqual({ restart: false, attempts: 3 });
  });

  it('starts over after a run that lasted stableAfterMs, and after reset()', () => {
    const backoff = new RestartBackoff({ delaysMs: [10, 20, 40], stableAfterMs: 1000, giveUpAfter: 5 });
    backoff.afterExit(5);
    backoff.afterExit(5);
    expect(backoff.afterExit(1000)).toEqual({ restart: true, delayMs: 10, attempt: 1 });
    backoff.afterExit(5);
    backoff.reset();
    expect(backoff.afterExit(5)).toEqual({ restart: true, delayMs: 10, attempt: 1 });
  });
});
