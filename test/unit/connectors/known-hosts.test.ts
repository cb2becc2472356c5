/** The pinned host-key file: fingerprints as OpenSSH prints them, pins replaced per host and port, other lines kept. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, hostKeyFingerprint, hostKeyType, parseKnownHosts, withPinnedKey } from '../../../workers/channel/known-hosts.js';

/** An ssh-ed25519 public key blob: string "ssh-ed25519", string <32 raw bytes>. */
function ed25519Blob(): Buffer {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  const part = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]);
}

describe('known_hosts', () => {
  it('fingerprints a key as SHA256: and 43 characters of unpadded base64, and reads its type', () => {
    const blob = ed25519Blob();
    expect(hostKeyFingerprint(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(hostKeyType(blob)).toBe('ssh-ed25519');
    expect(hostKeyType(Buffer.from([1]))).toBeUndefined();
  });

  it('pins per host and port, replaces a different pin, keeps unrelated and unparsable lines', () => {
    const a = `SHA256:${'A'.repeat(43)}`;
    const b = `SHA256:${'B'.repeat(43)}`;
    let text = '# my notes\n[other]:22 ' + a + '\n';
    const first = withPinnedKey(text, 'Bastion.example', 2222, a);
    expect(first.replaced).toBeUndefined();
    const second = withPinnedKey(first.text, 'bastion.example', 2222, b);
    expect(second.replaced).toBe(a);
    text = second.text;
    expect(text).toContain('# my notes');
    const pins = parseKnownHosts(text);
    expect(pins.get('[bastion.example]:2222')).toBe(b);
    expect(pins.get('[other]:22')).toBe(a);
    expect(pins.size).toBe(2);
  });

  it('judges a presented key: unknown without a file or a pin, trusted when pinned, changed when another is pinned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbv-kh-'));
    try {
      const blob = ed25519Blob();
      const fingerprint = hostKeyFingerprint(blob);
      const path = join(dir, 'known_hosts');
      expect(await checkHostKey(path, 'h', 22, blob)).toEqual({ status: 'unknown', fingerprint, keyType: 'ssh-ed25519' });
      expect(await checkHostKey(undefined, 'h', 22, blob)).toMatchObject({ status: 'unknown' });
      writeFileSync(path, withPinnedKey('', 'h', 22, fingerprint).text);
      expect(await checkHostKey(path, 'h', 22, blob)).toEqual({ status: 'trusted' });
      expect(await checkHostKey(path, 'h', 23, blob)).toMatchObject({ status: 'unknown' });
      const other = hostKeyFingerprint(ed25519Blob());
      writeFileSync(path, withPinnedKey('', 'h', 22, other).text);
      expect(await checkHostKey(path, 'h', 22, blob)).toEqual({ status: 'changed', fingerprint, pinned: other });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
