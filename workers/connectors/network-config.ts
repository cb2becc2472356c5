/**
 * What the networked connectors (postgres, mysql) read from a ConnectionConfig the same way: pool defaults, the TLS
 * mode and its options, and the SSH tunnel every one of their connections must go through.
 *
 * The tunnel is attached to the config's `ssh` object (routeThroughTunnel), not passed along: every client a
 * connector builds from the config — copies with `{ ...config }` included, which keep the same `ssh` object — goes
 * through it. A config with `ssh` and no tunnel attached fails instead of connecting straight to `host`.
 */
import type { Duplex } from 'node:stream';
import { BridgeError } from '../../protocol/errors.js';
import type { ConnectionConfig, SslMode } from '../../protocol/index.js';
import type { SshTunnel } from './ssh/ssh-tunnel.js';
import { TunnelSocket } from './ssh/tunnel-socket.js';

export const DEFAULT_POOL_SIZE = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** The driver-neutral TLS settings of a mode; each config builder turns them into its driver's options. */
export interface TlsSettings {
  mode: Exclude<SslMode, 'disable'>;
  /** The certificate chain must lead to a trusted CA (`ca`, else the system's). */
  verifyChain: boolean;
  /** The certificate must name the host connected to. */
  verifyHostname: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

/** The mode a config asks for: `mode`, else (older configs) verify-full unless `rejectUnauthorized: false`. */
export function sslModeOf(ssl: ConnectionConfig['ssl']): SslMode {
  if (!ssl) return 'disable';
  if (ssl.mode) return ssl.mode;
  return ssl.rejectUnauthorized === false ? 'require' : 'verify-full';
}

/** undefined when the config asks for no TLS. `require` with a CA verifies the chain, as libpq does. */
export function tlsSettings(ssl: ConnectionConfig['ssl']): TlsSettings | undefined {
  const mode = sslModeOf(ssl);
  if (mode === 'disable' || !ssl) return undefined;
  const verifyChain = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && Boolean(ssl.ca));
  return {
    mode,
    verifyChain,
    verifyHostname: mode === 'verify-full',
    ...(ssl.ca ? { ca: ssl.ca } : {}),
    ...(ssl.cert ? { cert: ssl.cert } : {}),
    ...(ssl.key ? { key: ssl.key } : {}),
  };
}

/** Node `tls.connect` options for a mode (what pg passes through, and what the TLS probe uses). */
export function nodeTlsOptions(settings: TlsSettings): {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  checkServerIdentity?: () => undefined;
} {
  return {
    rejectUnauthorized: settings.verifyChain,
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.cert ? { cert: settings.cert } : {}),
    ...(settings.key ? { key: settings.key } : {}),
    ...(settings.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

const tunnels = new WeakMap<object, SshTunnel>();

/** Every connection built from this config (or a shallow copy of it) goes through `tunnel`. */
export function routeThroughTunnel(config: ConnectionConfig, tunnel: SshTunnel): void {
  if (!config.ssh) throw new BridgeError('INTERNAL', 'A tunnel was attached to a config without ssh settings');
  tunnels.set(config.ssh, tunnel);
}

export function tunnelOf(config: ConnectionConfig): SshTunnel | undefined {
  if (!config.ssh) return undefined;
  const tunnel = tunnels.get(config.ssh);
  // Never fall back to a direct connection: with a bastion configured, `host` may name another server here.
  if (!tunnel) throw new BridgeError('INTERNAL', 'The connection has SSH settings but no tunnel was opened for it');
  return tunnel;
}

/**
 * A driver `stream` factory that connects through the config's tunnel, or undefined without ssh. `eager`: open the
 * channel when the stream is built (mysql2) rather than on its connect() (pg).
 */
export function tunnelStreamFactory(config: ConnectionConfig, defaultPort: number, eager: boolean): (() => Duplex) | undefined {
  const tunnel = tunnelOf(config);
  if (!tunnel) return undefined;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? defaultPort;
  return () => new TunnelSocket(() => tunnel.openChannel(host, port), eager);
}
