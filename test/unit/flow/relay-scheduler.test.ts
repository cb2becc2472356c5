import { describe, expect, it } from 'vitest';
import { RelayScheduler } from '../../../supervisor/flow/relay-scheduler.js';

const nextCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('RelayScheduler', () => {
  it('runs tasks in the order they were queued, later than the caller', async () => {
    const scheduler = new RelayScheduler();
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) scheduler.enqueue(() => ran.push(i));
    expect(ran).toEqual([]);
    await nextCheckPhase();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops a slice once its time is used and lets the event loop turn before the next', async () => {
    const scheduler = new RelayScheduler(1);
    const ran: number[] = [];
    for (let i = 0; i < 4; i++) scheduler.enqueue(() => (busyFor(2), ran.push(i)));
    // A request arriving meanwhile: this timer fires between slices, not after all of them.
    const between = new Promise<number>((resolve) => setTimeout(() => resolve(ran.length), 0));
    await nextCheckPhase();
    expect(ran).toEqual([0]);
    expect(scheduler.pending).toBe(3);
    expect(await between).toBeLessThan(4);
    while (scheduler.pending > 0) await nextCheckPhase();
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('reports a task that throws and goes on with the queue', async () => {
    const errors: unknown[] = [];
    const scheduler = new RelayScheduler(1, (error) => errors.push(error));
    const ran: string[] = [];
    scheduler.enqueue(() => {
      throw new Error('handler failed');
    });
    scheduler.enqueue(() => ran.push('after'));
    await nextCheckPhase();
    expect(ran).toEqual(['after']);
    expect(errors).toEqual([new Error('handler failed')]);
  });
});
