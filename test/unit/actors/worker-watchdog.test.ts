/**
 * The heartbeat watchdog on fake timers: a worker that echoes stays alive, one that falls silent is reported once
 * after the deadline, an excused worker (a synchronous driver mid-call) is not, and a late tick of the supervisor's
 * own loop does not count against the worker.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_DEADLINE_MS, HEARTBEAT_INTERVAL_MS, WorkerWatchdog } from '../../../supervisor/actors/worker-watchdog.js';

function watched(options: { echo: () => boolean; excused?: () => boolean }) {
  const silences: number[] = [];
  const sent: number[] = [];
  const watchdog: WorkerWatchdog = new WorkerWatchdog({
    send: (seq) => {
      sent.push(seq);
      if (options.echo()) queueMicrotask(() => watchdog.answered(seq));
    },
    onSilent: (ms) => silences.push(ms),
    excused: options.excused,
    now: () => Date.now(),
  });
  return { watchdog, silences, sent };
}

describe('worker watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('leaves a worker that answers alone, heartbeat after heartbeat', async () => {
    const w = watched({ echo: () => true });
    await vi.advanceTimersByTimeAsync(20 * HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toEqual([]);
    expect(w.sent).toHaveLength(21);
    w.watchdog.stop();
  });

  it('reports a silent worker once, at the deadline, and stops sending', async () => {
    let alive = true;
    const w = watched({ echo: () => alive });
    await vi.advanceTimersByTimeAsync(5 * HEARTBEAT_INTERVAL_MS);
    alive = false;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEADLINE_MS - HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toEqual([]);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toEqual([HEARTBEAT_DEADLINE_MS]);
    const sentThen = w.sent.length;
    await vi.advanceTimersByTimeAsync(10 * HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toHaveLength(1);
    expect(w.sent).toHaveLength(sentThen);
    expect(w.watchdog.stopped).toBe(true);
  });

  it('excuses silence while excused() holds, and counts from when it stops holding', async () => {
    let excused = true;
    const w = watched({ echo: () => false, excused: () => excused });
    await vi.advanceTimersByTimeAsync(30 * HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toEqual([]);
    excused = false;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEADLINE_MS + HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toHaveLength(1);
  });

  it('does not blame the worker for a stall of the supervisor itself', async () => {
    const w = watched({ echo: () => false });
    // The supervisor's loop is stuck for 10 s: the interval fires late, answers might be sitting unread.
    vi.setSystemTime(Date.now() + 10_000);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toEqual([]);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEADLINE_MS);
    expect(w.silences).toHaveLength(1);
  });

  it('counts any other message from the worker (seq 0) as an answer', async () => {
    const w = watched({ echo: () => false });
    const activity = setInterval(() => w.watchdog.answered(0), HEARTBEAT_INTERVAL_MS);
    await vi.advanceTimersByTimeAsync(10 * HEARTBEAT_DEADLINE_MS);
    expect(w.silences).toEqual([]);
    clearInterval(activity);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEADLINE_MS + HEARTBEAT_INTERVAL_MS);
    expect(w.silences).toHaveLength(1);
  });
});
