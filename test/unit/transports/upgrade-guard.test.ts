import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createUpgradeGuard, ownOriginsFor } from '../../../supervisor/transports/upgrade-guard.js';

const TOKEN = 'tok_3x4mple-Token';

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

const guard = createUpgradeGuard(TOKEN, ownOriginsFor('127.0.0.1', 7420), ['https://tools.example.com/']);

describe('upgrade guard: token', () => {
  it('accepts the token as ?token=', () => {
    expect(guard.check(request(`/rpc?token=${TOKEN}`))).toBe('ok');
  });
  it('accepts the token as Authorization: Bearer', () => {
    expect(guard.check(request('/rpc', { authorization: `Bearer ${TOKEN}` }))).toBe('ok');
  });
  it('refuses a missing, wrong, prefix or longer token', () => {
    for (const url of ['/rpc', '/rpc?token=', '/rpc?token=nope', `/rpc?token=${TOKEN.slice(0, -1)}`, `/rpc?token=${TOKEN}x`]) {
      expect(guard.check(request(url))).toBe('bad-token');
    }
    expect(guard.check(request('/rpc', { authorization: `Basic ${TOKEN}` }))).toBe('bad-token');
  });
});

describe('upgrade guard: Origin', () => {
  const withOrigin = (origin: string) => guard.check(request(`/rpc?token=${TOKEN}`, { origin }));
  it('accepts requests without Origin (non-browser clients)', () => {
    expect(guard.check(request(`/rpc?token=${TOKEN}`))).toBe('ok');
  });
  it("accepts the bridge's own origins", () => {
    expect(withOrigin('http://127.0.0.1:7420')).toBe('ok');
    expect(withOrigin('http://localhost:7420')).toBe('ok');
    expect(withOrigin('http://[::1]:7420')).toBe('ok');
    expect(withOrigin('HTTP://LOCALHOST:7420')).toBe('ok');
  });
  it('accepts an allow-listed origin', () => {
    expect(withOrigin('https://tools.example.com')).toBe('ok');
  });
  it('refuses other ports, other hosts, other schemes and null', () => {
    for (const origin of ['http://127.0.0.1:7421', 'http://evil.example', 'https://127.0.0.1:7420', 'null', 'http://localhost.evil.example:7420']) {
      expect(withOrigin(origin)).toBe('forbidden-origin');
    }
  });
});
