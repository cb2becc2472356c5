import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../../supervisor/transports/http-server.js';
import type { Transport } from '../../../supervisor/transports/transport.js';
import { connectWs, UpgradeRefused } from '../../helpers/clients.js';
import { serveTestRouter } from './fixtures/test-router.js';

const TOKEN = 'test-token-0123456789';
let server: RunningHttpServer | undefined;
let transports: Transport[] = [];

async function start(overrides: Partial<HttpServerOptions> = {}): Promise<RunningHttpServer> {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    allowedOrigins: ['http://localhost:5173'],
    onClient: (transport) => {
      transports.push(transport);
      serveTestRouter(transport);
    },
    ...overrides,
  });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  transports = [];
});

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpgradeRefused);
  return (error as UpgradeRefused).status;
}

/** Opens a plain ws client and resolves with the close code the server ends it with. */
function closeCodeAfter(url: string, act: (ws: WebSocket) => void): Promise<number> {
  const ws = new WebSocket(`${url}?token=${TOKEN}`, { perMessageDeflate: false });
  ws.on('error', () => {});
  ws.once('open', () => act(ws));
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('WebSocket upgrade: token', () => {
  it('reports its URLs for the port it got', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`ws://127.0.0.1:${s.port}/rpc`);
    expect(s.uiUrl).toBe(`http://127.0.0.1:${s.port}/?token=${TOKEN}`);
  });

  it('refuses an upgrade without a token with 401', async () => {
    const s = await start();
    expect(await refusal(connectWs(s.url, undefined))).toBe(401);
  });

  it('refuses a wrong token with 401', async () => {
    const s = await start();
    expect(await refusal(connectWs(s.url, 'wrong'))).toBe(401);
    expect(await refusal(connectWs(s.url, 'wrong', { tokenIn: 'header' }))).toBe(401);
    expect(transports).toHaveLength(0);
  });

  it('accepts the token in ?token= and in Authorization: Bearer', async () => {
    const s = await start();
    const viaQuery = await connectWs(s.url, TOKEN);
    const viaHeader = await connectWs(s.url, TOKEN, { tokenIn: 'header' });
    await expect(viaQuery.call('health.ping', {})).resolves.toMatchObject({ version: 'transport-test' });
    await expect(viaHeader.call('health.ping', {})).resolves.toMatchObject({ version: 'transport-test' });
    expect(transports.map((t) => t.kind)).toEqual(['websocket', 'websocket']);
    await viaQuery.close();
    await viaHeader.close();
  });

  it('refuses upgrades on any path but /rpc with 404', async () => {
    const s = await start();
    expect(await refusal(connectWs(s.url.replace('/rpc', '/other'), TOKEN))).toBe(404);
  });

  it('answers 429 to an address after too many failed tokens, even with the right token', async () => {
    const s = await start({ authLimits: { maxFailures: 3, windowMs: 60_000, blockMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect(await refusal(connectWs(s.url, `guess-${i}`))).toBe(401);
    expect(await refusal(connectWs(s.url, 'guess-4'))).toBe(429);
    expect(await refusal(connectWs(s.url, TOKEN))).toBe(429);
  });
});

describe('WebSocket upgrade: Origin', () => {
  it('refuses a foreign Origin with 403, even with the right token', async () => {
    const s = await start();
    expect(await refusal(connectWs(s.url, TOKEN, { origin: 'http://evil.example' }))).toBe(403);
    expect(await refusal(connectWs(s.url, TOKEN, { origin: `http://127.0.0.1:${s.port + 1}` }))).toBe(403);
  });

  it("accepts the bridge's own origin (127.0.0.1 and localhost)", async () => {
    const s = await start();
    for (const origin of [`http://127.0.0.1:${s.port}`, `http://localhost:${s.port}`]) {
      const client = await connectWs(s.url, TOKEN, { origin });
      await client.close();
    }
  });

  it('accepts an allow-listed origin', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN, { origin: 'http://localhost:5173' });
    await expect(client.call('health.ping', {})).resolves.toBeDefined();
    await client.close();
  });
});

describe('WebSocket frames', () => {
  it('closes with 1009 on a message over 16 MiB', async () => {
    const s = await start();
    const code = await closeCodeAfter(s.url, (ws) => ws.send('x'.repeat(16 * 1024 * 1024 + 1)));
    expect(code).toBe(1009);
  });

  it('accepts a message of exactly 16 MiB', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN);
    const padding = 'p'.repeat(16 * 1024 * 1024 - 200);
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'health.ping', params: { padding } });
    client.raw.send(text + ' '.repeat(16 * 1024 * 1024 - Buffer.byteLength(text)));
    await expect.poll(() => client.messages.length, { timeout: 10_000 }).toBe(1);
    await client.close();
  });

  it('closes with 1003 on a binary frame', async () => {
    const s = await start();
    const code = await closeCodeAfter(s.url, (ws) => ws.send(Buffer.from('{"jsonrpc":"2.0"}'), { binary: true }));
    expect(code).toBe(1003);
  });

  it('delivers text frames as strings and answers malformed ones through the router', async () => {
    const s = await start();
    const seen: Array<string | object> = [];
    const client = await connectWs(s.url, TOKEN);
    transports[0].onMessage((m) => seen.push(m));
    client.raw.send('{not json');
    await expect.poll(() => client.messages).toContainEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the message is not valid JSON' } });
    expect(seen).toEqual(['{not json']);
    await client.close();
  });

  it('collects a streamed run whose first event precedes the response', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN);
    const { runId } = await client.call('query.run', { sessionId: 's', sql: 'select 1' });
    const run = await client.collectRun(runId);
    expect(run.results).toHaveLength(2);
    expect(run.done).toMatchObject({ runId, status: 'success' });
    await client.close();
  });
});

describe('WebSocket transport lifecycle', () => {
  it('reports the client closing, then drops sends without throwing', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN);
    const reason = new Promise<string>((resolve) => transports[0].onClose(resolve));
    await client.close();
    expect(await reason).toMatch(/websocket closed \(1000/);
    expect(() => transports[0].send('{"late":1}')).not.toThrow();
  });

  it('close() from the bridge ends the client with 1000 and the given reason', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN);
    transports[0].close('going away for test');
    await expect(client.closed).resolves.toEqual({ code: 1000, reason: 'going away for test' });
  });

  it('server close() ends connected clients with 1001', async () => {
    const s = await start();
    const client = await connectWs(s.url, TOKEN);
    await s.close();
    server = undefined;
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
  });

  it('drops a peer that stops answering pings', async () => {
    const s = await start({ keepAliveMs: 100 });
    const ws = new WebSocket(`${s.url}?token=${TOKEN}`, { autoPong: false });
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('open', resolve));
    const reason = await new Promise<string>((resolve) => transports[0].onClose(resolve));
    expect(reason).toMatch(/1006/);
  });
});
