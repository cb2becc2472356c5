import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, DESKTOP_CONTENT_SECURITY_POLICY, isAppUrl, resolveAppFile } from '../../../ui/electron/app-protocol.js';

const ROOT = resolve('/opt/dbv/ui/dist');

describe('app://dbv/ → ui/dist', () => {
  it('maps paths under the root, / to index.html', () => {
    expect(resolveAppFile(ROOT, APP_ENTRY_URL)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile(ROOT, 'app://dbv/')).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile(ROOT, 'app://dbv/assets/index-abc.js?v=1#x')).toBe(join(ROOT, 'assets/index-abc.js'));
    expect(resolveAppFile(ROOT, 'app://dbv/assets/a%20b.css')).toBe(join(ROOT, 'assets/a b.css'));
    // Dot segments, literal or %2e, are resolved by the URL parser, which never climbs above the origin's root.
    expect(resolveAppFile(ROOT, 'app://dbv/../../etc/passwd')).toBe(join(ROOT, 'etc/passwd'));
    expect(resolveAppFile(ROOT, 'app://dbv/%2e%2e/%2e%2e/etc/passwd')).toBe(join(ROOT, 'etc/passwd'));
  });

  it('refuses ways out of the root, other hosts and schemes, and malformed escapes', () => {
    for (const url of [
      'app://dbv/assets/..%2f..%2f..%2fetc%2fpasswd',
      'app://dbv/%00index.html',
      'app://dbv/%E0%A4%A',
      'app://other/index.html',
      'file:///opt/dbv/ui/dist/index.html',
      'https://dbv/index.html',
      'not a url',
    ]) {
      expect(resolveAppFile(ROOT, url), url).toBeNull();
    }
  });
});

describe('navigation and content policy', () => {
  it('lets a window navigate only within app://dbv', () => {
    expect(isAppUrl('app://dbv/index.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('javascript:alert(1)')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });

  it('the CSP allows no remote origin, no eval, no framing', () => {
    const directives = new Map(DESKTOP_CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(DESKTOP_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|ws:|\*/);
  });
});
