/**
 * The renderer's side of the desktop path (ui/src/bridge/message-port-link.ts), at unit level: the preload's API and
 * the window are fakes with their shapes; the port is a real MessageChannel (Node's, as a DOM MessagePort stands-in).
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopBridgeApi, DesktopBridgeState } from '../../../ui/src/bridge/desktop-api.js';
import { MessagePortLink } from '../../../ui/src/bridge/message-port-link.js';

class FakePage {
  readonly #listeners: Array<(event: unknown) => void> = [];
  addEventListener(_type: 'message', listener: (event: unknown) => void): void {
    this.#listeners.push(listener);
  }
  /** What the preload does: window.postMessage({ type }, '*', [port]) arrives with the window as its source. */
  deliver(event: { source: unknown; data: unknown; ports: unknown[] }): void {
    for (const listener of this.#listeners) listener(event);
  }
}

class FakeDesktop implements DesktopBridgeApi {
  requests = 0;
  readonly #listeners: Array<(state: DesktopBridgeState) => void> = [];
  requestPort(): void {
    this.requests++;
  }
  onBridgeState(listener: (state: DesktopBridgeState) => void): () => void {
    this.#listeners.push(listener);
    return () => undefined;
  }
  tell(state: DesktopBridgeState): void {
    for (const listener of this.#listeners) listener(state);
  }
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function setup() {
  const page = new FakePage();
  const desktop = new FakeDesktop();
  const link = new MessagePortLink(desktop, page as unknown as Window);
  const handOver = () => {
    const channel = new MessageChannel();
    channels.push(channel);
    page.deliver({ source: page, data: { type: 'dbv:bridge-port' }, ports: [channel.port1] });
    return channel.port2;
  };
  return { page, desktop, link, handOver };
}

/** The bridge's end: answers health.ping with JSON text, as the supervisor posts it. */
function answerPings(bridgeEnd: MessageChannel['port2'], pid: number, seen: unknown[] = []): void {
  bridgeEnd.on('message', (text: unknown) => {
    seen.push(text);
    const request = JSON.parse(text as string) as { id: number };
    bridgeEnd.postMessage(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { ok: true, data: { uptime: 1, version: 't', pid } } }));
  });
}

describe('MessagePortLink', () => {
  it('asks for a port at start, opens on the one the preload posts, and speaks JSON text over it', async () => {
    const { desktop, link, handOver } = setup();
    link.start();
    expect(desktop.requests).toBe(1);
    expect(link.state.get()).toEqual({ kind: 'connecting' });
    const bridgeEnd = handOver();
    expect(link.state.get()).toEqual({ kind: 'open', epoch: 1 });
    const seen: unknown[] = [];
    answerPings(bridgeEnd, 7, seen);
    await expect(link.client.call('health.ping', {})).resolves.toEqual({ uptime: 1, version: 't', pid: 7 });
    expect(typeof seen[0]).toBe('string');
  });

  it('ignores window messages from elsewhere or of another type', () => {
    const { page, link } = setup();
    link.start();
    const channel = new MessageChannel();
    channels.push(channel);
    page.deliver({ source: {}, data: { type: 'dbv:bridge-port' }, ports: [channel.port1] });
    page.deliver({ source: page, data: { type: 'something-else' }, ports: [channel.port1] });
    page.deliver({ source: page, data: { type: 'dbv:bridge-port' }, ports: [] });
    expect(link.state.get()).toEqual({ kind: 'connecting' });
  });

  it('a dead bridge: lost (calls fail at once), then a new port once the restarted bridge is ready, a new epoch', async () => {
    const { desktop, link, handOver } = setup();
    link.start();
    const first = handOver();
    first.on('message', () => undefined); // never answers: the call stays pending until the bridge dies
    const pending = link.client.call('health.ping', {});
    desktop.tell({ kind: 'restarting', exitCode: 1, attempt: 1, retryInMs: 250 });
    await expect(pending).rejects.toThrow(/lost/);
    expect(link.state.get()).toMatchObject({ kind: 'lost', attempt: 0 });
    await expect(link.client.call('health.ping', {})).rejects.toThrow(/Not connected/);

    desktop.tell({ kind: 'restarting', exitCode: 1, attempt: 2, retryInMs: 500 });
    expect(link.state.get()).toMatchObject({ kind: 'lost', attempt: 1 });
    const requestsBefore = desktop.requests;
    desktop.tell({ kind: 'ready' });
    expect(desktop.requests).toBe(requestsBefore + 1);
    const second = handOver();
    answerPings(second, 8);
    expect(link.state.get()).toEqual({ kind: 'open', epoch: 2 });
    await expect(link.client.call('health.ping', {})).resolves.toMatchObject({ pid: 8 });
  });

  it('"Retry now" asks the main process again', () => {
    const { desktop, link } = setup();
    link.start();
    link.retry();
    expect(desktop.requests).toBe(2);
  });
});
