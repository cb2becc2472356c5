/**
 * Shared by the SSH tunnel tests: a connector config routed through a tunnel to the test sshd, as the connection
 * worker builds it (connection-worker.ts), with a known_hosts file of the test's choosing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { RowBatch } from '../../../workers/connectors/connector.js';
import { routeThroughTunnel } from '../../../workers/connectors/network-config.js';
import { withPinnedKey } from '../../../workers/channel/known-hosts.js';
import { SshTunnel } from '../../../workers/connectors/ssh/ssh-tunnel.js';
import type { TestSshd } from '../../helpers/sshd.js';

export type SshAuth = 'key' | 'encrypted-key' | 'password';

/** Writes a known_hosts in the sshd's temp dir pinning `fingerprint` (or nothing) and returns its path. */
export function knownHosts(sshd: TestSshd, name: string, fingerprint?: string): string {
  const path = join(sshd.dir, name);
  writeFileSync(path, fingerprint ? withPinnedKey('', sshd.host, sshd.port, fingerprint).text : '');
  return path;
}

export function sshSettings(sshd: TestSshd, auth: SshAuth): NonNullable<ConnectionConfig['ssh']> {
  const base = { host: sshd.host, port: sshd.port, user: sshd.user, keepAliveIntervalSec: 2 };
  if (auth === 'password') return { ...base, password: sshd.password };
  if (auth === 'key') return { ...base, privateKey: sshd.privateKey };
  return { ...base, privateKey: sshd.encryptedKey, passphrase: sshd.passphrase };
}

/** `base` (a database on 127.0.0.1, as the bastion sees it) through the tunnel; close the tunnel after. */
export function tunneled(base: ConnectionConfig, sshd: TestSshd, auth: SshAuth, knownHostsPath: string): { config: ConnectionConfig; tunnel: SshTunnel } {
  const config: ConnectionConfig = { ...base, ssh: sshSettings(sshd, auth), extra: { ...base.extra, connectTimeoutMs: 8000 } };
  const tunnel = new SshTunnel({ ssh: config.ssh!, knownHostsPath, connectTimeoutMs: 8000 });
  routeThroughTunnel(config, tunnel);
  return { config, tunnel };
}

export function runOptions(signal = new AbortController().signal): { batchSize: number; signal: AbortSignal } {
  return { batchSize: 100, signal };
}

export async function collect(batches: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

export function firstCell(batches: RowBatch[]): unknown {
  return (batches[0]?.rows as unknown[][])[0]?.[0];
}
