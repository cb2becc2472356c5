/**
 * The shell's hold on the bridge, at unit level: the utility process and the port pairs are fakes with Electron's
 * shapes, timers are driven by hand. The same class runs against real supervisors in
 * test/integration/desktop/utility-process.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DesktopBridgeState } from '../../../ui/src/bridge/desktop-api.js';
import { BridgeHost, type UtilityChild } from '../../../ui/electron/bridge-host.js';
import { RestartBackoff } from '../../../ui/electron/restart-backoff.js';

class FakePort {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

class FakeChild extends EventEmitter implements UtilityChild {
  readonly posted: Array<{ message: unknown; transfer?: FakePort[] }> = [];
  killed = false;
  constructor(readonly pid: number) {
    super();
  }
  postMessage(message: unknown, transfer?: FakePort[]): void {
    this.posted.push({ message, ...(transfer ? { transfer } : {}) });
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  ready(): void {
    this.emit('message', { type: 'ready', pid: this.pid, version: 't' });
  }
  die(code: number): void {
    this.emit('exit', code);
  }
}

function setup(backoff = new RestartBackoff({ delaysMs: [100, 200], stableAfterMs: 10_000, giveUpAfter: 2 })) {
  const children: FakeChild[] = [];
  const states: DesktopBridgeState[] = [];
  const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  let now = 0;
  let pairs = 0;
  const host = new BridgeHost<FakePort>({
    fork: () => {
      const child = new FakeChild(1000 + children.length);
      children.push(child);
      return child;
    },
    createChannel: () => {
      pairs++;
      return { port1: new FakePort(`bridge-end-${pairs}`), port2: new FakePort(`renderer-end-${pairs}`) };
    },
    broadcast: (state) => states.push(state),
    log: () => undefined,
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
    backoff,
  });
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= now) timer.run();
      else timers.push(timer);
    }
  };
  return { host, children, states, advance, pendingTimers: () => timers.filter((t) => !t.cancelled).length };
}

describe('BridgeHost', () => {
  it('hands a port pair only once the bridge is ready: one end to the utility process, the other to the renderer', () => {
    const { host, children, states } = setup();
    host.start();
    const delivered: FakePort[] = [];
    host.requestPort(7, (port) => delivered.push(port));
    expect(delivered).toEqual([]);
    children[0]!.ready();
    expect(states).toEqual([{ kind: 'ready' }]);
    expect(delivered.map((p) => p.name)).toEqual(['renderer-end-1']);
    expect(children[0]!.posted).toEqual([{ message: { type: 'client-port' }, transfer: [expect.objectContaining({ name: 'bridge-end-1' })] }]);
    // Ready: the next request is answered at once, with a fresh pair.
    host.requestPort(8, (port) => delivered.push(port));
    expect(delivered.map((p) => p.name)).toEqual(['renderer-end-1', 'renderer-end-2']);
  });

  it('a renderer that asks twice while waiting gets one port; a closed window is forgotten', () => {
    const { host, children } = setup();
    host.start();
    const first: FakePort[] = [];
    const second: FakePort[] = [];
    const gone: FakePort[] = [];
    host.requestPort(7, (port) => first.push(port));
    host.requestPort(7, (port) => second.push(port));
    host.requestPort(9, (port) => gone.push(port));
    host.forget(9);
    children[0]!.ready();
    expect([first.length, second.length, gone.length]).toEqual([0, 1, 0]);
  });

  it('restarts a dead bridge after the backoff, telling the renderers, and serves the waiting ones when ready', () => {
    const { host, children, states, advance } = setup();
    host.start();
    children[0]!.ready();
    advance(50);
    children[0]!.die(1);
    expect(states.at(-1)).toEqual({ kind: 'restarting', exitCode: 1, attempt: 1, retryInMs: 100 });
    const delivered: FakePort[] = [];
    host.requestPort(7, (port) => delivered.push(port));
    advance(99);
    expect(children).toHaveLength(1);
    advance(1);
    expect(children).toHaveLength(2);
    expect(delivered).toEqual([]);
    children[1]!.ready();
    expect(states.at(-1)).toEqual({ kind: 'ready' });
    expect(delivered).toHaveLength(1);
    expect(children[1]!.posted[0]!.message).toEqual({ type: 'client-port' });
  });

  it('gives up after the backoff says so, and "Restart bridge" starts it again', () => {
    const { host, children, states, advance } = setup();
    host.start();
    children[0]!.die(3);
    advance(100);
    children[1]!.die(3);
    advance(200);
    children[2]!.die(3);
    expect(states.at(-1)).toEqual({ kind: 'failed', exitCode: 3 });
    advance(60_000);
    expect(children).toHaveLength(3);
    host.restart();
    expect(children).toHaveLength(4);
    children[3]!.ready();
    expect(states.at(-1)).toEqual({ kind: 'ready' });
  });

  it('ignores a late message or exit from a process it has already replaced', () => {
    const { host, children, states, advance } = setup();
    host.start();
    children[0]!.die(1);
    advance(100);
    children[0]!.ready();
    children[0]!.die(1);
    expect(states).toEqual([{ kind: 'restarting', exitCode: 1, attempt: 1, retryInMs: 100 }]);
    children[1]!.ready();
    expect(states.at(-1)).toEqual({ kind: 'ready' });
  });

  it('stop(): asks for a graceful shutdown on the parent port and does not restart', async () => {
    const { host, children, advance, pendingTimers } = setup();
    host.start();
    children[0]!.ready();
    const stopped = host.stop();
    expect(children[0]!.posted.at(-1)).toEqual({ message: { type: 'shutdown' } });
    advance(4_999);
    children[0]!.die(0);
    await stopped;
    expect(children[0]!.killed).toBe(false);
    expect(pendingTimers()).toBe(0);
    expect(children).toHaveLength(1);
  });

  it('stop(): kills a bridge that has not exited after 5 s', async () => {
    const { host, children, advance } = setup();
    host.start();
    const stopped = host.stop();
    advance(5_000);
    expect(children[0]!.killed).toBe(true);
    children[0]!.die(-1);
    await stopped;
    expect(children).toHaveLength(1);
  });
});
