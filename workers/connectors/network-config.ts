/**
 * What the networked connectors (postgres, mysql) read from a ConnectionConfig the same way: pool defaults and the
 * TLS options, which both drivers take in Node's `tls.connect` shape.
 */
import type { ConnectionConfig } from '../../protocol/index.js';

export const DEFAULT_POOL_SIZE = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

/** undefined when the config asks for no TLS; certificates are verified unless explicitly told not to. */
export function tlsOptions(ssl: ConnectionConfig['ssl']): TlsOptions | undefined {
  if (!ssl) return undefined;
  return {
    rejectUnauthorized: ssl.rejectUnauthorized ?? true,
    ...(ssl.ca ? { ca: ssl.ca } : {}),
    ...(ssl.cert ? { cert: ssl.cert } : {}),
    ...(ssl.key ? { key: ssl.key } : {}),
  };
}
