import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may open the bridge's WebSocket (docs/api.md, "WebSocket"): the right token, and, when the peer is a
 * browser (it sends `Origin`), a page served by the bridge itself or an explicitly allowed origin. The Origin rule is
 * what stops an arbitrary web page — or one behind DNS rebinding — from reaching a bridge on localhost.
 */
export type UpgradeVerdict = 'ok' | 'forbidden-origin' | 'bad-token';

export interface UpgradeGuard {
  check(request: IncomingMessage): UpgradeVerdict;
}

export function createUpgradeGuard(token: string, ownOrigins: readonly string[], allowedOrigins: readonly string[]): UpgradeGuard {
  const expected = digest(token);
  const origins = new Set([...ownOrigins, ...allowedOrigins].map(normalizeOrigin));
  return {
    check(request) {
      const origin = request.headers.origin;
      if (origin !== undefined && !origins.has(normalizeOrigin(origin))) return 'forbidden-origin';
      const presented = presentedToken(request);
      // Hashing first gives equal lengths, so timingSafeEqual never throws and the token's length does not leak.
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) return 'bad-token';
      return 'ok';
    },
  };
}

/** The origins a page served by this bridge has, for the host it is bound to. */
export function ownOriginsFor(host: string, port: number): string[] {
  const hosts = new Set(['127.0.0.1', 'localhost', '[::1]', formatHost(host)]);
  return [...hosts].map((h) => `http://${h}:${port}`);
}

/** `::1` → `[::1]`, for URLs. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer !== undefined) return bearer;
  const query = new URL(request.url ?? '/', 'http://bridge.invalid').searchParams.get('token');
  return query ?? undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Origins compare as the browser sends them: scheme://host[:port], lower case, no path or trailing slash. */
function normalizeOrigin(origin: string): string {
  try {
    const parsed = new URL(origin);
    // `null` origins (file://, sandboxed frames) parse to 'null' and stay distinct from any real origin.
    return parsed.origin === 'null' ? origin.trim().toLowerCase() : parsed.origin.toLowerCase();
  } catch {
    return origin.trim().toLowerCase();
  }
}
