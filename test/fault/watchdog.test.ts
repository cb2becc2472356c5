/**
 * The supervisor's watchdog and crash-loop limit over the wire: a worker whose event loop is blocked (`block`, a
 * synchronous busy loop) stops answering heartbeats and is killed and replaced within 5 s, its run ended with
 * WORKER_CRASHED; a worker that dies again and again is restarted after each of its first four crashes in a row and
 * left `crashed` at the fifth (docs/api.md, connector.status), until the next use starts it afresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

let b: FaultBridge;
beforeAll(async () => {
  b = await startFaultBridge();
});
afterAll(async () => {
  expect(await b?.stop()).toBe(0);
});

describe('the heartbeat watchdog', () => {
  for (const isolation of ['thread', 'process'] as const) {
    it(`kills a ${isolation} worker with a blocked event loop within 5 s and restarts it; the runs on it end WORKER_CRASHED`, async () => {
      const { connectionId, sessionId } = await b.faultyConnection(isolation, `blocked ${isolation}`);
      const { sessionId: bystander } = await b.client.call('query.createSession', { connectionId });
      const { runId: bystanderRun } = await b.client.call('query.run', { sessionId: bystander, sql: 'slow 1000000 50' });
      const bystanderDone = b.client.collectRun(bystanderRun);
      const mark = b.statuses.length;
      const started = Date.now();
      const run = await b.run(sessionId, 'block');
      const killedAfter = Date.now() - started;
      await b.status(connectionId, 'ready', mark);
      const replacedAfter = Date.now() - started;
      expect(run.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
      expect((await bystanderDone).errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
      const restarting = b.statuses.slice(mark).find((s) => s.connectionId === connectionId && s.status === 'restarting');
      expect(restarting?.reason).toMatch(/heartbeat/);
      // Detection takes 2–3 s by design (worker-watchdog.ts), so the kill is well inside the required 5 s; the
      // replacement adds a worker start, which a machine under heavy load can stretch (docs/reliability.md has figures).
      expect(killedAfter).toBeGreaterThanOrEqual(1_900);
      expect(killedAfter).toBeLessThan(5_000);
      expect(replacedAfter).toBeLessThan(10_000);
      expect((await b.run(sessionId, 'rows 100')).done).toMatchObject({ status: 'success', rows: 100 });
      await b.ping();
      await b.client.call('connection.delete', { id: connectionId });
    }, 30_000);
  }

  it('leaves a worker that is only busy between awaits alone', async () => {
    const { connectionId, sessionId } = await b.faultyConnection('thread', 'busy but alive');
    const mark = b.statuses.length;
    // Five seconds of 1 s blocks with a real turn of the loop (a 50 ms timer) in between: silent never longer than the
    // deadline. (Blocks separated only by microtasks would be one long silence, and rightly killed.)
    const run = await b.run(sessionId, ['block 1000', 'block 1000', 'block 1000', 'block 1000', 'block 1000'].join('; slow 1 50; '));
    expect(run.done.status).toBe('success');
    expect(b.statuses.slice(mark).filter((s) => s.connectionId === connectionId)).toEqual([]);
    await b.client.call('connection.delete', { id: connectionId });
  }, 30_000);
});

describe('the crash-loop limit', () => {
  it('restarts after crashes 1–4 in a row, reports crashed at the 5th, and starts afresh on the next use', async () => {
    const { connectionId, sessionId } = await b.faultyConnection('thread', 'crash loop');
    const mark = b.statuses.length;
    const mine = () => b.statuses.slice(mark).filter((s) => s.connectionId === connectionId).map((s) => s.status);
    for (let crash = 1; crash <= 4; crash++) {
      const run = await b.run(sessionId, 'exit');
      expect(run.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
      await expect.poll(() => mine().filter((s) => s === 'ready').length, { timeout: 15_000 }).toBe(crash);
    }
    expect(mine()).toEqual(Array.from({ length: 4 }, () => ['restarting', 'starting', 'ready']).flat());
    const fifth = await b.run(sessionId, 'exit');
    expect(fifth.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);
    const crashed = await b.status(connectionId, 'crashed', mark);
    expect(crashed.reason).toBe('worker exited with code 1');
    // Nothing restarts it by itself.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(mine().at(-1)).toBe('crashed');
    expect(mine().filter((s) => s === 'ready')).toHaveLength(4);
    const state = await b.client.call('debug.dumpState', {});
    expect(state.workers.find((w) => w.connectionId === connectionId)?.status).toBe('crashed');
    // The next use starts it again, with a fresh count.
    expect((await b.run(sessionId, 'rows 5')).done).toMatchObject({ status: 'success', rows: 5 });
    expect(mine().slice(-2)).toEqual(['starting', 'ready']);
    await b.client.call('connection.delete', { id: connectionId });
  }, 60_000);
});
