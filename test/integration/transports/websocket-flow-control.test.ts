import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../../supervisor/transports/http-server.js';
import { HIGH_WATER_MARK, LOW_WATER_MARK, type Transport } from '../../../supervisor/transports/transport.js';

const TOKEN = 'flow-token';
let server: RunningHttpServer | undefined;
let socket: Socket | undefined;

afterEach(async () => {
  socket?.destroy();
  await server?.close();
});

/** A WebSocket client made by hand on a raw TCP socket, so the test decides when (and whether) it reads. */
async function rawClient(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await new Promise((resolve) => s.once('connect', resolve));
  s.write(
    `GET /rpc?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => s.once('data', (d) => resolve(d.toString('latin1'))));
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  return s;
}

describe('WebSocket flow control', () => {
  it('reports buffered bytes for a client that does not read, and fires onDrain once it reads again', async () => {
    let transport: Transport | undefined;
    server = await startHttpServer({ host: '127.0.0.1', port: 0, token: TOKEN, allowedOrigins: [], onClient: (t) => (transport = t) });
    socket = await rawClient(server.port);
    socket.pause();
    await expect.poll(() => transport).toBeDefined();

    let drains = 0;
    transport!.onDrain(() => drains++);
    const megabyte = 'm'.repeat(1024 * 1024);
    // Kernel socket buffers on loopback take a few MiB; the rest has to wait in the transport.
    for (let i = 0; i < 24 && transport!.bufferedBytes() <= HIGH_WATER_MARK; i++) transport!.send(megabyte);
    expect(transport!.bufferedBytes()).toBeGreaterThan(HIGH_WATER_MARK);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drains).toBe(0);

    socket.on('data', () => {});
    socket.resume();
    await expect.poll(() => drains, { timeout: 10_000 }).toBe(1);
    expect(transport!.bufferedBytes()).toBeLessThan(LOW_WATER_MARK);
  });
});
