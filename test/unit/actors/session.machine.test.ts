/**
 * The session lifecycle as a pure machine: effects recorded through `.provide()`, time simulated. Each check that
 * nothing more happens is made synchronously after the event that could cause it (an XState actor processes a sent
 * event before `send` returns) or after the machine reached a state from which nothing is scheduled.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { PROBE_ANSWER_MS, TIMEOUT_RECHECK_MS } from '../../../supervisor/actors/blocked-worker.machine.js';
import { GRACE_MS, IDLE_MS, sessionHarness } from './session-machine-harness.js';

describe('session machine: opening and idling', () => {
  it('is idle once its client is leased, and closes itself after idleTimeoutMs without a run', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    h.clock.increment(IDLE_MS - 1);
    expect(h.state()).toBe('idle');
    h.clock.increment(1);
    await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
    expect(h.effects).toEqual(['idle close', 'release 1', 'closed']);
  });

  it('a failed open ends closed, keeping the error for open() to throw', async () => {
    const h = sessionHarness({ openFails: true });
    const snapshot = await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
    expect(String(snapshot.context.openError)).toMatch(/connection refused/);
    expect(h.effects).toEqual(['release null', 'closed']);
  });
});

describe('session machine: one run, one query.done', () => {
  it('ends on the worker’s end, and goes back to idle with the idle clock restarted', async () => {
    // Relaying and counting the batches in between is RunStream's (run-stream.test.ts): they never reach the machine.
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    h.clock.increment(IDLE_MS - 1);
    const runId = h.run();
    await h.started();
    h.end(runId, 'success', 20);
    expect(h.state()).toBe('idle');
    expect(h.outcomes).toEqual([{ runId, status: 'success', rows: 20 }]);
    expect(h.effects).toEqual(['acquire', `start ${runId}`]);
    // The idle time counts from the end of the run, not from before it.
    h.clock.increment(IDLE_MS - 1);
    expect(h.state()).toBe('idle');
  });

  it('ignores whatever the worker still sends for a run after its end', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.end(runId);
    h.page(runId);
    h.end(runId, 'error');
    h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'late' });
    expect(h.actor.getSnapshot().context.run).toBeNull();
    expect(h.outcomes).toHaveLength(1);
    expect(h.state()).toBe('idle');
  });

  it('ignores the messages of another runId while a run is active', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run({ mode: 'page' });
    await h.started();
    h.page('old-run');
    h.end('old-run', 'error');
    expect(h.pagesRelayed()).toBe(0);
    expect(h.state()).toBe('running');
    expect(h.outcomes).toEqual([]);
    h.end(runId);
    expect(h.outcomes).toEqual([{ runId, status: 'success', rows: 0 }]);
  });

  it('ends the run once when its worker dies, as WORKER_CRASHED', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'WORKER_EXITED', generation: 2, reason: 'another generation' });
    expect(h.outcomes).toEqual([]);
    h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'worker killed by SIGKILL' });
    h.end(runId);
    expect(h.outcomes).toEqual([
      { runId, status: 'error', error: { code: 'WORKER_CRASHED', message: expect.stringMatching(/SIGKILL/), details: { connectionId: 'c1' } } },
    ]);
  });

  it('closing mid-run ends it cancelled, stops it in the worker, gives the client back, and sends nothing after', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'CLOSE' });
    await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
    expect(h.effects).toEqual(['acquire', `start ${runId}`, `cancel ${runId}`, 'release 1', 'closed']);
    expect(h.kills).toEqual([]);
  });
});

describe('session machine: cancel', () => {
  it('asks the worker to stop; the worker’s end then closes the run as cancelled, and no kill follows', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'CANCEL' });
    expect(h.state()).toBe('cancelling');
    await waitFor(h.actor, (s) => s.matches({ active: { started: { cancelling: 'settled' } } }), { timeout: 500 });
    h.end(runId, 'cancelled');
    h.clock.increment(GRACE_MS * 2);
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled', rows: 0 }]);
    expect(h.effects).toContain(`cancel ${runId}`);
    expect(h.kills).toEqual([]);
  });

  it('past the grace, ends the session’s database connection, not the worker; the run then ends cancelled', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'CANCEL' });
    h.clock.increment(GRACE_MS - 1);
    expect(h.effects).not.toContain(`end connection ${runId}`);
    h.clock.increment(1);
    expect(h.effects).toContain(`end connection ${runId}`);
    await waitFor(h.actor, (s) => s.matches({ active: { started: { cancelling: 'connectionEnded' } } }), { timeout: 500 });
    expect(h.kills).toEqual([]);
    // The worker's connector ends the run as cancelled once its connection is gone.
    h.end(runId, 'cancelled');
    h.clock.increment(GRACE_MS * 3);
    expect(h.state()).toBe('idle');
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled', rows: 0 }]);
    expect(h.kills).toEqual([]);
  });

  it('escalates in order: server cancel, then the session connection, then (its run still not ended) the worker', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'CANCEL' });
    h.clock.increment(GRACE_MS);
    await waitFor(h.actor, (s) => s.matches({ active: { started: { cancelling: 'connectionEnded' } } }), { timeout: 500 });
    h.clock.increment(GRACE_MS - 1);
    expect(h.kills).toEqual([]);
    h.clock.increment(1);
    expect(h.kills).toEqual([expect.stringMatching(/did not stop in time even after its connection was ended/)]);
    expect(h.effects.filter((e) => e.endsWith(runId))).toEqual([`start ${runId}`, `cancel ${runId}`, `end connection ${runId}`]);
    h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'worker killed by SIGKILL' });
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
  });

  it('kills the worker when it does not answer the request to end the connection within a further grace', async () => {
    const h = sessionHarness({ endConnection: 'silent' });
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    h.send({ type: 'CANCEL' });
    h.clock.increment(GRACE_MS);
    expect(h.effects).toContain(`end connection ${runId}`);
    h.clock.increment(GRACE_MS - 1);
    expect(h.kills).toEqual([]);
    h.clock.increment(1);
    expect(h.kills).toEqual([expect.stringMatching(/did not answer the request to end its connection/)]);
    h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'worker killed by SIGKILL' });
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
  });

  it('kills the worker at once when its connector cannot end the session connection (no server connection)', async () => {
    const h = sessionHarness({ endConnection: 'cannot' });
    await h.until((s) => s === 'idle');
    h.run();
    await h.started();
    h.send({ type: 'CANCEL' });
    h.clock.increment(GRACE_MS);
    await waitFor(h.actor, (s) => s.matches({ active: { started: { cancelling: 'killed' } } }), { timeout: 500 });
    expect(h.kills).toEqual([expect.stringMatching(/cannot be ended/)]);
    h.clock.increment(GRACE_MS * 3);
    expect(h.kills).toHaveLength(1);
  });

  it(`kills a child-process worker that does not acknowledge within ${PROBE_ANSWER_MS} ms; a thread is given the grace period`, async () => {
    for (const isolation of ['process', 'thread'] as const) {
      const h = sessionHarness({ isolation, cancelAcks: false });
      await h.until((s) => s === 'idle');
      const runId = h.run();
      await h.started();
      h.send({ type: 'CANCEL' });
      h.clock.increment(PROBE_ANSWER_MS);
      expect(h.kills).toEqual(isolation === 'process' ? [expect.stringMatching(/blocked in the driver/)] : []);
      h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'worker killed by SIGKILL' });
      expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
    }
  });

  it('a cancel before the worker was acquired ends the run cancelled without starting it', async () => {
    const h = sessionHarness({ holdAcquire: true });
    await h.until((s) => s === 'idle');
    const runId = h.run();
    h.send({ type: 'CANCEL' });
    expect(h.state()).toBe('cancelling');
    h.releaseAcquire();
    await h.until((s) => s === 'idle');
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
    expect(h.effects).toEqual(['acquire']);
  });
});

describe('session machine: the blocked-worker watchdog (timeoutMs in a child process)', () => {
  it('probes the worker past the deadline, kills it when it stays silent, and the run ends DB_TIMEOUT', async () => {
    const h = sessionHarness({ isolation: 'process', probeAnswers: false });
    await h.until((s) => s === 'idle');
    const runId = h.run({ timeoutMs: 1000 });
    await h.started();
    h.clock.increment(1000 + TIMEOUT_RECHECK_MS - 1);
    expect(h.effects).not.toContain('probe');
    h.clock.increment(1);
    expect(h.effects).toContain('probe');
    h.clock.increment(PROBE_ANSWER_MS);
    expect(h.kills).toEqual([expect.stringMatching(/past its timeout/)]);
    h.send({ type: 'WORKER_EXITED', generation: 1, reason: 'worker killed by SIGKILL' });
    expect(h.outcomes).toEqual([{ runId, status: 'error', error: { code: 'DB_TIMEOUT', message: expect.any(String), details: { timeoutMs: 1000 } } }]);
  });

  it('leaves a worker that answers alone, probing again every recheck', async () => {
    const h = sessionHarness({ isolation: 'process', probeAnswers: true });
    await h.until((s) => s === 'idle');
    h.run({ timeoutMs: 1000 });
    await h.started();
    h.clock.increment(1000 + TIMEOUT_RECHECK_MS);
    for (let probe = 1; probe <= 3; probe++) {
      expect(h.effects.filter((e) => e === 'probe')).toHaveLength(probe);
      // The answer settles in a microtask; one turn of the event loop delivers it (no time passes on the clock).
      await new Promise((resolve) => setImmediate(resolve));
      h.clock.increment(Math.max(PROBE_ANSWER_MS, TIMEOUT_RECHECK_MS));
    }
    expect(h.kills).toEqual([]);
    expect(h.state()).toBe('running');
  });

  it('does not watch a thread worker, nor a run without timeoutMs', async () => {
    for (const [isolation, timeoutMs] of [['thread', 1000], ['process', undefined]] as const) {
      const h = sessionHarness({ isolation, probeAnswers: false });
      await h.until((s) => s === 'idle');
      h.run(timeoutMs === undefined ? {} : { timeoutMs });
      await h.started();
      h.clock.increment(60_000);
      expect(h.effects).not.toContain('probe');
      expect(h.kills).toEqual([]);
    }
  });
});
