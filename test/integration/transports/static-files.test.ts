import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../../supervisor/transports/http-server.js';

let base: string;
let uiDir: string;
let server: RunningHttpServer | undefined;

beforeAll(() => {
  // base/secret.txt sits next to the UI folder: every traversal attempt below aims at it.
  base = mkdtempSync(path.join(tmpdir(), 'dbv-transports-static-'));
  uiDir = path.join(base, 'ui');
  mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
  writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
  writeFileSync(path.join(base, 'package.json'), '{"secret":true}');
  writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(path.join(uiDir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(path.join(uiDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(uiDir, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(uiDir, 'assets', 'font.woff2'), 'w');
  writeFileSync(path.join(uiDir, 'data.bin'), 'b');
  symlinkSync(path.join(base, 'secret.txt'), path.join(uiDir, 'escape.txt'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(dir: string | undefined = uiDir): Promise<RunningHttpServer> {
  return startWith(dir);
}

async function startWith(dir: string | undefined): Promise<RunningHttpServer> {
  server = await startHttpServer({ host: '127.0.0.1', port: 0, token: 't', allowedOrigins: [], uiDir: dir, onClient: () => {} });
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path is sent exactly as written (fetch would normalize '..' away before sending). */
function get(port: number, rawPath: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static UI files', () => {
  it('serves index.html at / with an HTML content type and headers that keep the token in the page', async () => {
    const { port } = await start();
    const reply = await get(port, '/?token=abc');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>ui</title>');
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their content types', async () => {
    const { port } = await start();
    const types = {
      '/assets/app-1234.js': 'text/javascript; charset=utf-8',
      '/assets/style.css': 'text/css; charset=utf-8',
      '/assets/logo.svg': 'image/svg+xml',
      '/assets/font.woff2': 'font/woff2',
      '/data.bin': 'application/octet-stream',
    };
    for (const [file, type] of Object.entries(types)) {
      const reply = await get(port, file);
      expect([file, reply.status, reply.headers['content-type']]).toEqual([file, 200, type]);
    }
  });

  it('answers HEAD with headers and no body', async () => {
    const { port } = await start();
    const reply = await get(port, '/assets/style.css', 'HEAD');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('6');
    expect(reply.body).toBe('');
  });

  it('answers 404 for a missing file and 405 for other methods', async () => {
    const { port } = await start();
    expect((await get(port, '/nope.js')).status).toBe(404);
    const post = await get(port, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('sends a Content-Security-Policy that allows only the page’s own scripts and its own socket', async () => {
    const { port } = await start();
    const csp = String((await get(port, '/')).headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(String((await get(port, '/assets/app-1234.js')).headers['content-security-policy'])).toBe(csp);
  });

  it('answers a client-side route with index.html, and a missing asset with 404', async () => {
    const { port } = await start();
    const route = await get(port, '/connections/new');
    expect(route.status).toBe(200);
    expect(route.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(route.body).toBe('<!doctype html><title>ui</title>');
    expect((await get(port, '/assets/missing-5678.js')).status).toBe(404);
    expect((await get(port, '/favicon.ico')).status).toBe(404);
  });

  it('never serves a file outside the UI folder, whatever the encoding', async () => {
    const { port } = await start();
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//../secret.txt',
      '/escape.txt', // a symlink pointing outside
    ];
    for (const attempt of attempts) {
      const reply = await get(port, attempt);
      expect([attempt, reply.status]).toEqual([attempt, 404]);
      expect(reply.body).not.toContain('SECRET');
      expect(reply.body).not.toContain('"secret"');
    }
  });

  it('answers 400 for a path that cannot be a file name', async () => {
    const { port } = await start();
    expect((await get(port, '/%E0%A4%A')).status).toBe(400);
    expect((await get(port, '/index.html%00.js')).status).toBe(400);
  });

  it('serves a small page saying the UI is not built when the folder is missing', async () => {
    const { port } = await start(path.join(base, 'no-such-ui'));
    const reply = await get(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/UI is not built/);
    expect((await get(port, '/assets/app.js')).status).toBe(404);
  });

  it('serves the same page when no uiDir is configured', async () => {
    const { port } = await startWith(undefined);
    expect((await get(port, '/')).body).toMatch(/UI is not built/);
  });

  it('answers a plain GET of /rpc with 426 Upgrade Required', async () => {
    const { port } = await start();
    expect((await get(port, '/rpc')).status).toBe(426);
  });
});
