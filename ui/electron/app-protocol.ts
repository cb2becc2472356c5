/**
 * The desktop app loads its UI from `app://dbv/`, a privileged scheme served from ui/dist, and nothing else
 * (docs/architecture.md, "Desktop mode", says why not file:). These are the pure parts: which file a URL names, which
 * URLs a window may navigate to, and the headers every response carries.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://dbv';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The desktop CSP. Like the web UI's (supervisor/transports/static-files.ts), styles allow 'unsafe-inline' because
 * CodeMirror injects its theme as <style>; unlike it, nothing may be fetched or opened beyond the app's own files: no
 * http(s), no WebSocket (the bridge is a MessagePort), no frames, no eval.
 */
export const DESKTOP_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DESKTOP_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** The file under `root` that an app:// URL names, or null: another scheme or host, a bad escape, a way out of root. */
export function resolveAppFile(root: string, url: string): string | null {
  let pathname: string;
  try {
    const parsed = new URL(url);
    if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/** A window may only ever show the app's own pages: every other navigation (a link, a redirect, a drop) is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
