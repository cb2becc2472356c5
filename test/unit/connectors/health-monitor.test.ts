/** HealthMonitor: one 'lost' per loss, probing with backoff, one 'recovered', never a password in a reason. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HealthEvent } from '../../../workers/connectors/connector.js';
import { HealthMonitor } from '../../../workers/connectors/health-monitor.js';

describe('HealthMonitor', () => {
  let probeAt: number[];
  let probeOk: boolean;
  let events: HealthEvent[];
  let monitor: HealthMonitor;

  beforeEach(() => {
    vi.useFakeTimers();
    probeAt = [];
    probeOk = false;
    events = [];
    monitor = new HealthMonitor({
      secret: 'pa55word',
      probe: async () => {
        probeAt.push(Date.now());
        if (!probeOk) throw new Error('ECONNREFUSED');
      },
    });
    monitor.subscribe((event) => events.push(event));
  });
  afterEach(() => {
    monitor.close();
    vi.useRealTimers();
  });

  it('ignores failures before the pool ever worked: that is a connect error, not a loss', async () => {
    monitor.lost('connect ECONNREFUSED', 'ECONNREFUSED');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events).toEqual([]);
    expect(probeAt).toEqual([]);
  });

  it("reports 'lost' once for many failures, probes after 1 s backing off to 5 s, then 'recovered' once", async () => {
    monitor.connected();
    const start = Date.now();
    monitor.lost('terminating connection due to administrator command', '57P01');
    monitor.lost('Connection terminated unexpectedly');
    expect(events).toEqual([{ state: 'lost', reason: 'terminating connection due to administrator command', code: '57P01' }]);

    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 5_000 + 5_000);
    expect(probeAt.map((t) => t - start)).toEqual([1_000, 3_000, 7_000, 12_000, 17_000]);
    probeOk = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual([
      { state: 'lost', reason: 'terminating connection due to administrator command', code: '57P01' },
      { state: 'recovered', reason: 'The database server answers again' },
    ]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(probeAt).toHaveLength(6);
  });

  it('recovers at once when a new connection succeeds while lost, and stops probing', async () => {
    monitor.connected();
    monitor.lost('gone');
    monitor.connected();
    expect(events.map((e) => e.state)).toEqual(['lost', 'recovered']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probeAt).toEqual([]);
  });

  it('can be lost again after recovering, with the backoff restarted', async () => {
    monitor.connected();
    monitor.lost('gone');
    probeOk = true;
    await vi.advanceTimersByTimeAsync(1_000);
    probeOk = false;
    const start = Date.now();
    monitor.lost('gone again');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events.map((e) => e.state)).toEqual(['lost', 'recovered', 'lost']);
    expect(probeAt.at(-1)! - start).toBe(1_000);
  });

  it('never puts the password into a reason', () => {
    monitor.connected();
    monitor.lost('password pa55word was rejected by pa55word');
    expect(events[0].reason).toBe('password *** was rejected by ***');
  });

  it('stops probing and reporting once closed', async () => {
    monitor.connected();
    monitor.lost('gone');
    monitor.close();
    probeOk = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probeAt).toEqual([]);
    expect(events.map((e) => e.state)).toEqual(['lost']);
  });
});
