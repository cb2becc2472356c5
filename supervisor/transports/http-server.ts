import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_FAILED_AUTH_LIMITS, FailedAuthLimiter, type FailedAuthLimits } from './failed-auth-limiter.js';
import { serveStatic } from './static-files.js';
import { MAX_MESSAGE_BYTES, type ClientAcceptor } from './transport.js';
import { createUpgradeGuard, formatHost, ownOriginsFor } from './upgrade-guard.js';
import { CLOSE_GOING_AWAY, createWebSocketTransport } from './websocket-transport.js';

export type HttpLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type HttpLog = (level: HttpLogLevel, obj: Record<string, unknown>, msg: string) => void;

export interface HttpServerOptions {
  /** Interface to bind; the CLI defaults to 127.0.0.1 and only an explicit --host changes it. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Extra origins (from --allow-origin) that may open the WebSocket besides the bridge's own. */
  allowedOrigins: string[];
  /** The built UI; when absent or missing on disk a small "UI not built" page is served at `/`. */
  uiDir?: string;
  onClient: ClientAcceptor;
  log?: HttpLog;
  /** WebSocket ping interval (default 30 s). */
  keepAliveMs?: number;
  /** Failed-token rate limit per remote address (default 20 per 60 s, then refused for 60 s). */
  authLimits?: FailedAuthLimits;
}

export interface RunningHttpServer {
  /** ws://host:port/rpc */
  url: string;
  /** http://host:port/?token=… — the page the user opens. */
  uiUrl: string;
  port: number;
  /** Closes every WebSocket (1001), stops listening, resolves when the server is down. */
  close(): Promise<void>;
}

export const RPC_PATH = '/rpc';

/**
 * The bridge's HTTP face: the UI's static files and the WebSocket upgrade at /rpc. An upgrade is refused before
 * any WebSocket exists — wrong path 404, blocked address 429, foreign Origin 403, bad token 401 — with a bare status
 * line and no body, so a refused peer learns nothing else.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log: HttpLog = options.log ?? (() => {});
  const limiter = new FailedAuthLimiter(options.authLimits ?? DEFAULT_FAILED_AUTH_LIMITS);
  // No compression: it costs CPU on the hot path and the peer is local.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  let guard = createUpgradeGuard(options.token, [], options.allowedOrigins);

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      log('error', { err: error, path: pathOf(request) }, 'static file request failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (pathOf(request) === RPC_PATH) {
      response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('This endpoint speaks WebSocket.\n');
      return;
    }
    await serveStatic(options.uiDir, request, response);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer that resets mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => {});
    const address = request.socket.remoteAddress ?? 'unknown';
    const refuse = (status: number, reason: string) => {
      log('warn', { remoteAddress: address, path: pathOf(request), status, reason }, 'websocket upgrade refused');
      refuseUpgrade(socket, status);
    };
    if (pathOf(request) !== RPC_PATH) return refuse(404, 'unknown path');
    if (limiter.isBlocked(address)) return refuse(429, 'too many failed token attempts');
    const verdict = guard.check(request);
    if (verdict === 'forbidden-origin') return refuse(403, `origin not allowed: ${request.headers.origin}`);
    if (verdict === 'bad-token') {
      limiter.recordFailure(address);
      return refuse(401, 'missing or wrong token');
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      log('debug', { remoteAddress: address }, 'websocket client connected');
      options.onClient(createWebSocketTransport(ws, socket, { keepAliveMs: options.keepAliveMs }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log('error', { err: error }, 'http server error'));

  const port = (server.address() as AddressInfo).port;
  // Own origins depend on the port, known only now that the server listens.
  guard = createUpgradeGuard(options.token, ownOriginsFor(options.host, port), options.allowedOrigins);
  const base = `${formatHost(options.host)}:${port}`;

  return {
    url: `ws://${base}${RPC_PATH}`,
    uiUrl: `http://${base}/?token=${encodeURIComponent(options.token)}`,
    port,
    close: async () => {
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, 'bridge shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Peers that do not answer the close handshake are cut after a short grace.
      const grace = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 1_000);
      await closed;
      clearTimeout(grace);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The path without the query — the query may hold the token, so it is never logged. */
function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0];
}
