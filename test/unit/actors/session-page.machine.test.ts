/**
 * Page mode in the session machine: RunStream tells it of each page (`PAGE_RELAYED`) before the client sees it, so
 * the cursor token counts that page; a cursor left unfetched past the idle timeout closes the session. Effects are
 * recorded through `.provide()`, time is simulated (session-machine-harness.ts).
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { PageFetch } from '../../../supervisor/actors/page-fetch.js';
import { RawJson } from '../../../supervisor/rpc/raw-json.js';
import { cursorTokenFor } from '../../../workers/channel/cursor-token.js';
import { IDLE_MS, sessionHarness } from './session-machine-harness.js';

describe('session machine: page mode', () => {
  it('asks one page per fetch, and closes the session when the cursor waits unfetched past the idle timeout', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run({ mode: 'page' });
    await h.started();
    h.page(runId);
    expect(h.pagesRelayed()).toBe(1);
    h.clock.increment(IDLE_MS - 1);
    h.send({ type: 'FETCH' });
    expect(h.effects).toContain('page credit');
    // While a page is on its way the session is not idle, however long the worker takes.
    h.clock.increment(IDLE_MS * 3);
    expect(h.state()).toBe('running');
    h.page(runId);
    expect(h.pagesRelayed()).toBe(2);
    h.clock.increment(IDLE_MS);
    await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
    expect(h.effects.slice(-3)).toEqual([`cancel ${runId}`, 'release 1', 'closed']);
  });

  it('a first page that overtook the worker’s answer to startRun still arms the unfetched-cursor timeout', async () => {
    const h = sessionHarness({ holdStart: true });
    await h.until((s) => s === 'idle');
    const runId = h.run({ mode: 'page' });
    await waitFor(h.actor, (s) => s.matches({ active: 'starting' }), { timeout: 500 });
    h.page(runId);
    h.releaseStart();
    await waitFor(h.actor, (s) => s.matches({ active: { started: { running: 'delivered' } } }), { timeout: 500 });
    h.clock.increment(IDLE_MS);
    await waitFor(h.actor, (s) => s.status === 'done', { timeout: 500 });
    expect(h.outcomes).toEqual([{ runId, status: 'cancelled' }]);
  });

  it('names the next page by the pages relayed: only the last page’s cursor token is accepted', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run({ mode: 'page' });
    await h.started();
    const run = () => h.actor.getSnapshot().context.run;
    const stale = /stale cursorToken/;
    expect(() => new PageFetch().request(run(), cursorTokenFor(runId, 0))).toThrow(stale);
    h.page(runId);
    expect(() => new PageFetch().request(run(), cursorTokenFor(runId, 0))).toThrow(stale);
    const fetch = new PageFetch();
    const second = fetch.request(run(), cursorTokenFor(runId, 1));
    h.send({ type: 'FETCH' });
    h.page(runId);
    expect(fetch.deliver('{"page":2}')).toBe(true);
    await expect(second).resolves.toEqual(new RawJson('{"page":2}'));
    expect(() => new PageFetch().request(run(), cursorTokenFor(runId, 1))).toThrow(stale);
    expect(() => void new PageFetch().request(run(), cursorTokenFor(runId, 2))).not.toThrow();
  });

  it('a stream-mode run is never closed for idleness, however long between batches', async () => {
    const h = sessionHarness();
    await h.until((s) => s === 'idle');
    const runId = h.run();
    await h.started();
    // RunStream sends no PAGE_RELAYED in stream mode; even a stray one must not arm the unfetched-cursor timeout.
    h.page(runId);
    h.clock.increment(IDLE_MS * 5);
    expect(h.state()).toBe('running');
  });
});
