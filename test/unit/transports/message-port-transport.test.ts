import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessagePortTransport, type PortLike } from '../../../supervisor/transports/message-port-transport.js';
import type { Transport } from '../../../supervisor/transports/transport.js';
import { portClient } from '../../helpers/clients.js';

const channels: MessageChannel[] = [];
function channel() {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function nextMessage(port: MessageChannel['port2']): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}

function received(transport: Transport): Promise<string | object> {
  return new Promise((resolve) => transport.onMessage(resolve));
}

describe('message-port transport over worker_threads MessageChannel', () => {
  it('posts outgoing messages as the very JSON text it was given, unparsed (docs/api.md, "MessagePort")', async () => {
    const { port1, port2 } = channel();
    const transport = createMessagePortTransport(port1);
    const arriving = nextMessage(port2);
    // Not canonical JSON on purpose: a parse and re-serialization would change the spacing and the key order.
    const text = '{"params":{"rows":2, "runId":"r1"},"method":"query.done","jsonrpc":"2.0"}';
    transport.send(text);
    expect(await arriving).toBe(text);
  });

  it('passes incoming structured values through as objects (batches as arrays)', async () => {
    const { port1, port2 } = channel();
    const transport = createMessagePortTransport(port1);
    const first = received(transport);
    port2.postMessage({ jsonrpc: '2.0', id: 1, method: 'health.ping' });
    expect(await first).toEqual({ jsonrpc: '2.0', id: 1, method: 'health.ping' });
  });

  it('round-trips a request and its response with portClient on the other end', async () => {
    const { port1, port2 } = channel();
    const bridgeSide = createMessagePortTransport(port1);
    bridgeSide.onMessage((message) => {
      const request = JSON.parse(message as string) as { id: number };
      bridgeSide.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { ok: true, data: { uptime: 1, version: 't', pid: 7 } } }));
    });
    const client = portClient(port2);
    await expect(client.call('health.ping', {})).resolves.toEqual({ uptime: 1, version: 't', pid: 7 });
    expect(client.messages).toHaveLength(1);
  });

  it('reports 0 buffered bytes: a port exposes no queue to measure', () => {
    const { port1 } = channel();
    const transport = createMessagePortTransport(port1);
    transport.send('{"x":"' + 'y'.repeat(100_000) + '"}');
    expect(transport.bufferedBytes()).toBe(0);
  });

  it('closes once when the peer closes its port, and drops later sends', async () => {
    const { port1, port2 } = channel();
    const transport = createMessagePortTransport(port1);
    const reasons: string[] = [];
    const closed = new Promise((resolve) => transport.onClose((r) => (reasons.push(r), resolve(r))));
    port2.close();
    expect(await closed).toBe('port closed');
    expect(() => transport.send('{}')).not.toThrow();
    transport.close();
    expect(reasons).toEqual(['port closed']);
  });

  it('close() closes the port, which the peer sees', async () => {
    const { port1, port2 } = channel();
    const transport = createMessagePortTransport(port1);
    const peerClosed = new Promise((resolve) => port2.once('close', resolve));
    transport.close('bridge stopping');
    await peerClosed;
  });
});

/** Electron's MessagePortMain, as far as the transport sees it: an EventEmitter that emits `{ data, ports }`. */
class FakeElectronPort extends EventEmitter implements PortLike {
  started = false;
  posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.emit('close');
  }
}

describe('message-port transport over an Electron-shaped port', () => {
  it('starts the port and unwraps { data, ports } message events', async () => {
    const port = new FakeElectronPort();
    const transport = createMessagePortTransport(port);
    expect(port.started).toBe(true);
    const message = received(transport);
    port.emit('message', { data: { jsonrpc: '2.0', id: 3, method: 'job.list' }, ports: [] });
    expect(await message).toEqual({ jsonrpc: '2.0', id: 3, method: 'job.list' });
  });

  it('passes a text message through as text, so the router parses (and can reject) it', async () => {
    const port = new FakeElectronPort();
    const transport = createMessagePortTransport(port);
    const message = received(transport);
    port.emit('message', { data: '{not json', ports: [] });
    expect(await message).toBe('{not json');
  });
});
