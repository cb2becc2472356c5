/**
 * ConnectionConfig → mysql2 connection/pool options. Type handling is per pool (mysql2 has no global parsers):
 * BIGINT and DECIMAL as strings, dates as the server's text, so nothing is rounded or shifted by a time zone.
 *
 * TLS: mysql2 takes the chain check as `rejectUnauthorized` and the hostname check as `verifyIdentity`. SSH: the
 * connection's socket is a channel of the worker's tunnel (mysql2's `stream` option), for every connection built here.
 */
import type { ConnectionOptions, PoolOptions } from 'mysql2';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { MysqlErrorTarget } from './mysql-errors.js';
import { mysqlTypeCast } from './mysql-types.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_POOL_SIZE, tlsSettings, tunnelStreamFactory } from '../network-config.js';

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_POOL_SIZE };

export function mysqlConnectionOptions(config: ConnectionConfig): ConnectionOptions {
  const extra = config.extra ?? {};
  const tls = tlsSettings(config.ssl);
  const stream = tunnelStreamFactory(config, 3306, true);
  return {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 3306,
    ...(stream ? { stream: stream as unknown as ConnectionOptions['stream'] } : { socketPath: config.socketPath }),
    user: config.user,
    password: config.password,
    database: config.database,
    ...(tls
      ? {
          ssl: {
            rejectUnauthorized: tls.verifyChain,
            verifyIdentity: tls.verifyHostname,
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
          },
        }
      : {}),
    connectTimeout: extra.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    typeCast: mysqlTypeCast as ConnectionOptions['typeCast'],
    // Statements are split by the bridge (sql-split.ts); one statement per query keeps results and errors per index.
    multipleStatements: false,
  };
}

export function mysqlPoolOptions(config: ConnectionConfig): PoolOptions {
  const extra = config.extra ?? {};
  const limit = extra.poolSize ?? DEFAULT_POOL_SIZE;
  return {
    ...mysqlConnectionOptions(config),
    connectionLimit: limit,
    // mysql2 only reaps idle connections when maxIdle < connectionLimit; it then closes any idle past idleTimeout.
    // With a pool of one there is nothing to reap below, so that single connection stays open.
    maxIdle: limit > 1 ? limit - 1 : 1,
    idleTimeout: extra.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    waitForConnections: true,
    queueLimit: 0,
  };
}

export function mysqlErrorTarget(config: ConnectionConfig): MysqlErrorTarget {
  return {
    host: config.socketPath ?? config.host ?? '127.0.0.1',
    port: config.port ?? 3306,
    database: config.database,
    user: config.user,
  };
}
