/**
 * The SSH host keys the user has pinned, in `<dataDir>/known_hosts` (docs/security.md "The network path: SSH tunnels and TLS"). One line per
 * host and port, OpenSSH's `[host]:port` spelling followed by the key's SHA256 fingerprint:
 *
 *   [bastion.example.com]:22 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s
 *
 * Only the supervisor writes it (connection.trustHostKey, through an atomic rename); workers read it afresh at each
 * tunnel handshake, so a key pinned while a worker runs counts from its next handshake. Lines that do not parse are
 * kept as they are and ignored (a hand-edited file must not lose them).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The port an SSH server listens on unless the config says otherwise. */
export const DEFAULT_SSH_PORT = 22;

export const KNOWN_HOSTS_FILE_NAME = 'known_hosts';

export type HostKeyVerdict =
  | { status: 'trusted' }
  | { status: 'unknown'; fingerprint: string; keyType?: string }
  | { status: 'changed'; fingerprint: string; pinned: string };

const LINE = /^\[([^\]\s]+)\]:(\d{1,5})\s+(SHA256:[A-Za-z0-9+/]{43})\s*$/;

/** OpenSSH's fingerprint of a host key blob: `SHA256:` and the unpadded base64 of its SHA-256. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH key blob (`ssh-ed25519`, `rsa-sha2-512`…), for messages. */
export function hostKeyType(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length < 64 && keyBlob.length >= 4 + length ? keyBlob.toString('latin1', 4, 4 + length) : undefined;
}

export function hostPortLabel(host: string, port: number): string {
  return `[${host.toLowerCase()}]:${port}`;
}

/** host:port → pinned fingerprint, from the file's text. */
export function parseKnownHosts(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line.trim());
    if (match) pins.set(hostPortLabel(match[1]!, Number(match[2])), match[3]!);
  }
  return pins;
}

/** The file's text with `host:port` pinned to `fingerprint` (an existing line for it replaced, others kept). */
export function withPinnedKey(text: string, host: string, port: number, fingerprint: string): { text: string; replaced?: string } {
  const label = hostPortLabel(host, port);
  let replaced: string | undefined;
  const kept = text.split('\n').filter((line) => {
    const match = LINE.exec(line.trim());
    if (!match || hostPortLabel(match[1]!, Number(match[2])) !== label) return line.length > 0;
    if (match[3] !== fingerprint) replaced = match[3];
    return false;
  });
  kept.push(`${label} ${fingerprint}`);
  return { text: `${kept.join('\n')}\n`, ...(replaced ? { replaced } : {}) };
}

/** What the pinned keys say about the key a server presented. A missing file pins nothing. */
export async function checkHostKey(path: string | undefined, host: string, port: number, keyBlob: Buffer): Promise<HostKeyVerdict> {
  const fingerprint = hostKeyFingerprint(keyBlob);
  const pinned = path ? parseKnownHosts(await readTextIfExists(path)).get(hostPortLabel(host, port)) : undefined;
  if (pinned === undefined) {
    const keyType = hostKeyType(keyBlob);
    return { status: 'unknown', fingerprint, ...(keyType ? { keyType } : {}) };
  }
  return pinned === fingerprint ? { status: 'trusted' } : { status: 'changed', fingerprint, pinned };
}

export async function readTextIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
