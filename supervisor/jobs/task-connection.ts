/**
 * What a backup task needs to reach the database, built from the connection's full config (secrets included, in
 * memory only). Host and port come from toolEndpoint(): the one place to point tools at an SSH tunnel's local end.
 */
import { BridgeError, type ConnectionConfig } from '../../protocol/index.js';
import type { Engine, TaskConnection } from '../../workers/channel/backup-task-types.js';

export function engineOf(type: ConnectionConfig['type']): Engine {
  if (type === 'postgres' || type === 'mysql' || type === 'sqlite') return type;
  throw new BridgeError('INVALID_PARAMS', `connections of type ${type} cannot be backed up`, { type });
}

/** Where a tool or task connects. Today the configured host and port; a tunnel will substitute its local end here. */
export function toolEndpoint(config: ConnectionConfig): { host?: string; port?: number } {
  const defaultPort = config.type === 'postgres' ? 5432 : config.type === 'mysql' ? 3306 : undefined;
  return { host: config.host ?? (config.socketPath ? undefined : '127.0.0.1'), port: config.port ?? defaultPort };
}

export function taskConnection(config: ConnectionConfig): TaskConnection {
  const engine = engineOf(config.type);
  if (engine === 'sqlite') return { engine, database: config.database };
  const { host, port } = toolEndpoint(config);
  return {
    engine,
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(config.user !== undefined ? { user: config.user } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.socketPath !== undefined ? { socketPath: config.socketPath } : {}),
    database: config.database ?? (engine === 'postgres' ? 'postgres' : undefined),
  };
}
