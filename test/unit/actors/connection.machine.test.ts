/**
 * A connection's worker lifecycle as a pure machine: startWorker/stopWorker recorded through `.provide()`, backoff
 * and the stability period on a simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import {
  backoffMs,
  connectionMachine,
  MAX_CONSECUTIVE_CRASHES,
  STABLE_AFTER_MS,
} from '../../../supervisor/actors/connection.machine.js';

function connectionHarness(startResults: Array<'ok' | 'fail'> = []) {
  const clock = new SimulatedClock();
  const effects: string[] = [];
  const machine = connectionMachine.provide({
    actors: {
      startWorker: fromPromise(async () => {
        effects.push('start');
        if (startResults.shift() === 'fail') throw new Error('spawn failed');
      }),
      stopWorker: fromPromise<void>(async () => {
        effects.push('stop');
      }),
    },
  });
  const actor = createActor(machine, { clock }).start();
  const reach = (state: string) => waitFor(actor, (s) => s.value === state, { timeout: 500 });
  return { actor, clock, effects, reach };
}

/** Lets the worker die, waits out its backoff, and resolves once the new one is ready. */
async function crashAndRecover(h: ReturnType<typeof connectionHarness>): Promise<void> {
  const crashes = h.actor.getSnapshot().context.crashes + 1;
  h.actor.send({ type: 'WORKER_EXITED', reason: 'worker killed by SIGKILL' });
  expect(h.actor.getSnapshot().value).toBe('restarting');
  h.clock.increment(backoffMs(crashes) - 1);
  expect(h.actor.getSnapshot().value).toBe('restarting');
  h.clock.increment(1);
  await h.reach('ready');
}

describe('connection machine', () => {
  it('starts its worker on first use, not before', async () => {
    const h = connectionHarness();
    expect(h.actor.getSnapshot().value).toBe('idle');
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    expect(h.effects).toEqual(['start']);
  });

  it('a worker that fails to start leaves it failed with the reason; the next use tries again', async () => {
    const h = connectionHarness(['fail', 'ok']);
    h.actor.send({ type: 'USE' });
    const failed = await h.reach('failed');
    expect(failed.context.lastError).toBe('spawn failed');
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    expect(h.effects).toEqual(['start', 'start']);
  });

  it('restarts a dead worker after a backoff that doubles with each restart in a row', async () => {
    const h = connectionHarness();
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    for (let i = 0; i < 3; i++) await crashAndRecover(h);
    expect(h.actor.getSnapshot().context).toMatchObject({ crashes: 3, lastError: null });
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([100, 200, 400, 800]);
    expect(h.effects).toEqual(['start', 'start', 'start', 'start']);
  });

  it(`the ${MAX_CONSECUTIVE_CRASHES - 1}th crash in a row is still restarted; the ${MAX_CONSECUTIVE_CRASHES}th leaves it crashed until the next use`, async () => {
    expect(MAX_CONSECUTIVE_CRASHES).toBe(5);
    const h = connectionHarness();
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    for (let i = 0; i < MAX_CONSECUTIVE_CRASHES - 1; i++) await crashAndRecover(h);
    expect(h.actor.getSnapshot()).toMatchObject({ value: 'ready', context: { crashes: 4 } });
    h.actor.send({ type: 'WORKER_EXITED', reason: 'worker exited with code 1' });
    expect(h.actor.getSnapshot()).toMatchObject({ value: 'crashed', context: { crashes: 5, lastError: 'worker exited with code 1' } });
    h.clock.increment(60_000);
    expect(h.actor.getSnapshot().value).toBe('crashed');
    // One start, then a restart after each of the first four crashes: the fifth is not restarted.
    expect(h.effects.filter((e) => e === 'start')).toHaveLength(5);
    h.actor.send({ type: 'USE' });
    expect((await h.reach('ready')).context.crashes).toBe(0);
  });

  it(`forgets earlier restarts once a worker stayed up ${STABLE_AFTER_MS} ms`, async () => {
    const h = connectionHarness();
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    await crashAndRecover(h);
    await crashAndRecover(h);
    h.clock.increment(STABLE_AFTER_MS - 1);
    expect(h.actor.getSnapshot().context.crashes).toBe(2);
    h.clock.increment(1);
    expect(h.actor.getSnapshot().context.crashes).toBe(0);
  });

  it('a deliberate restart stops the worker cleanly, then starts a new one without counting a crash', async () => {
    const h = connectionHarness();
    h.actor.send({ type: 'USE' });
    await h.reach('ready');
    h.actor.send({ type: 'RESTART' });
    await waitFor(h.actor, (s) => s.value === 'ready' && h.effects.length === 3, { timeout: 500 });
    expect(h.effects).toEqual(['start', 'stop', 'start']);
    expect(h.actor.getSnapshot().context.crashes).toBe(0);
  });

  it('closes from any state, stopping the worker, and ends there', async () => {
    for (const before of ['idle', 'ready', 'restarting'] as const) {
      const h = connectionHarness();
      if (before !== 'idle') {
        h.actor.send({ type: 'USE' });
        await h.reach('ready');
      }
      if (before === 'restarting') h.actor.send({ type: 'WORKER_EXITED', reason: 'gone' });
      h.actor.send({ type: 'CLOSE' });
      const closed = await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
      expect(closed.value).toBe('closed');
      expect(h.effects.at(-1)).toBe('stop');
      h.clock.increment(60_000);
      expect(h.effects.filter((e) => e === 'start')).toHaveLength(before === 'idle' ? 0 : 1);
    }
  });
});
