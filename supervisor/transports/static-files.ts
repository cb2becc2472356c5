import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * What the built UI may load: its own scripts only (Vite emits no inline script), styles from itself plus inline
 * styles (CodeMirror injects its theme as <style>), and sockets/fetches to its own origin — CSP 3's 'self' covers
 * ws:// to the same host and port, which is the bridge's /rpc. No eval, no plugins, no framing, no <base> tricks.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The UI's URL carries the token in its query: never let it leave in a Referer, never let the page be framed.
const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

const UI_NOT_BUILT = `<!doctype html>
<html><head><meta charset="utf-8"><title>DB Visualizer bridge</title></head>
<body><h1>DB Visualizer bridge</h1><p>The bridge is running, but the UI is not built. Run <code>npm run build</code>
in the project (or use a client over WebSocket at <code>/rpc</code>).</p></body></html>
`;

/**
 * Serves the built UI read-only from `uiDir`: `/` is index.html, every path resolves inside the folder (after
 * percent-decoding, and after following symlinks) or is a 404. A path that names no file and has no extension is a
 * route of the single-page app and gets index.html; a missing asset stays a 404. A missing folder serves a small
 * page saying so.
 */
export async function serveStatic(uiDir: string | undefined, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendText(response, request, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }
  const pathname = decodedPathname(request.url ?? '/');
  if (pathname === undefined) return sendText(response, request, 400, 'Bad Request');

  const root = uiDir === undefined ? undefined : await realpathOrUndefined(uiDir);
  if (root === undefined) {
    if (pathname === '/' || pathname === '/index.html') return sendBody(response, request, 200, UI_NOT_BUILT, '.html');
    return sendText(response, request, 404, 'Not Found');
  }

  const file = (await resolveInside(root, pathname === '/' ? '/index.html' : pathname)) ?? (isAppRoute(pathname) ? await resolveInside(root, '/index.html') : undefined);
  if (file === undefined) return sendText(response, request, 404, 'Not Found');
  response.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': CONTENT_TYPES[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': file.size,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

/** A client-side route such as `/connections/new`: no file extension in its last segment. */
function isAppRoute(pathname: string): boolean {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/** The request's path, percent-decoded; undefined when it cannot be a file name (bad escapes, NUL). */
function decodedPathname(url: string): string | undefined {
  let pathname: string;
  try {
    // WHATWG URL parsing already resolves '..' and '%2e%2e' segments and treats '\' as '/'; decoding can still
    // produce '../' from '%2f' — resolveInside() is what guarantees containment.
    pathname = decodeURIComponent(new URL(url, 'http://bridge.invalid').pathname);
  } catch {
    return undefined;
  }
  return pathname.includes('\0') ? undefined : pathname;
}

async function resolveInside(root: string, pathname: string): Promise<{ path: string; size: number } | undefined> {
  const candidate = path.resolve(root, '.' + pathname);
  if (!isInside(root, candidate)) return undefined;
  const real = await realpathOrUndefined(candidate);
  if (real === undefined || !isInside(root, real)) return undefined;
  const info = await stat(real).catch(() => undefined);
  if (info?.isFile()) return { path: real, size: info.size };
  if (info?.isDirectory()) return resolveInside(root, path.posix.join(pathname, 'index.html'));
  return undefined;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative));
}

async function realpathOrUndefined(target: string): Promise<string | undefined> {
  try {
    return await realpath(target);
  } catch {
    return undefined;
  }
}

function sendText(response: ServerResponse, request: IncomingMessage, status: number, text: string, headers = {}): void {
  sendBody(response, request, status, text + '\n', '.txt', headers);
}

function sendBody(response: ServerResponse, request: IncomingMessage, status: number, body: string, ext: string, headers = {}): void {
  response.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'Content-Type': CONTENT_TYPES[ext],
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
