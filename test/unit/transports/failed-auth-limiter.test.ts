import { describe, expect, it } from 'vitest';
import { FailedAuthLimiter } from '../../../supervisor/transports/failed-auth-limiter.js';

function limiter() {
  let now = 1_000_000;
  const l = new FailedAuthLimiter({ maxFailures: 3, windowMs: 60_000, blockMs: 30_000 }, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('FailedAuthLimiter', () => {
  it('blocks an address once it reaches the failure limit within the window', () => {
    const { l } = limiter();
    l.recordFailure('1.1.1.1');
    l.recordFailure('1.1.1.1');
    expect(l.isBlocked('1.1.1.1')).toBe(false);
    l.recordFailure('1.1.1.1');
    expect(l.isBlocked('1.1.1.1')).toBe(true);
  });

  it('counts addresses separately', () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) l.recordFailure('1.1.1.1');
    expect(l.isBlocked('2.2.2.2')).toBe(false);
  });

  it('forgets failures from an earlier window', () => {
    const { l, advance } = limiter();
    l.recordFailure('a');
    l.recordFailure('a');
    advance(60_000);
    l.recordFailure('a');
    expect(l.isBlocked('a')).toBe(false);
  });

  it('unblocks after the block time', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) l.recordFailure('a');
    advance(29_999);
    expect(l.isBlocked('a')).toBe(true);
    advance(1);
    expect(l.isBlocked('a')).toBe(false);
  });

  it('stays bounded under a flood of distinct addresses', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 5_000; i++) {
      l.recordFailure(`10.0.${i >> 8}.${i & 255}`);
      advance(100);
    }
    // Nothing to assert on private state; the sweep must at least not break blocking of a fresh offender.
    for (let i = 0; i < 3; i++) l.recordFailure('x');
    expect(l.isBlocked('x')).toBe(true);
  });
});
