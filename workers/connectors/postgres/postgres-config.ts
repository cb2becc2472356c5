/**
 * ConnectionConfig → node-postgres client/pool options.
 *
 * Type parsing is configured per client through the `types` option (never the global `pg.types`), and it hands over
 * the server's text for every type: postgres-values.ts converts per column once the type is known. DateStyle is
 * pinned to ISO at connect time because those conversions read ISO text.
 *
 * TLS: pg passes `ssl` to tls.connect, so the mode's Node options go as they are (network-config.ts). SSH: the
 * client's socket is a channel of the worker's tunnel (pg's `stream` factory), for every client built here.
 */
import type { ClientConfig, PoolConfig } from 'pg';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { PgErrorTarget } from './postgres-errors.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  nodeTlsOptions,
  tlsSettings,
  tunnelStreamFactory,
} from '../network-config.js';

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_POOL_SIZE };

const rawText = (value: string): string => value;
/** A TypeOverrides-compatible object that never parses: every value arrives as text (or null). */
export const TEXT_TYPES = { getTypeParser: () => rawText } as unknown as NonNullable<ClientConfig['types']>;

export function pgClientConfig(config: ConnectionConfig): ClientConfig {
  const extra = config.extra ?? {};
  const tls = tlsSettings(config.ssl);
  const stream = tunnelStreamFactory(config, 5432, false);
  return {
    // A Unix socket is given to pg as a directory in `host`.
    host: config.socketPath ?? config.host ?? '127.0.0.1',
    port: config.port ?? 5432,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: tls ? nodeTlsOptions(tls) : false,
    ...(stream ? { stream: stream as unknown as ClientConfig['stream'] } : {}),
    connectionTimeoutMillis: extra.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'dbv',
    options: '-c DateStyle=ISO,MDY',
    types: TEXT_TYPES,
  };
}

export function pgPoolConfig(config: ConnectionConfig): PoolConfig {
  const extra = config.extra ?? {};
  return {
    ...pgClientConfig(config),
    max: extra.poolSize ?? DEFAULT_POOL_SIZE,
    idleTimeoutMillis: extra.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  };
}

/** What error details may say about the target: never the password. */
export function pgErrorTarget(config: ConnectionConfig): PgErrorTarget {
  return {
    host: config.socketPath ?? config.host ?? '127.0.0.1',
    port: config.port ?? 5432,
    database: config.database,
    user: config.user,
  };
}
