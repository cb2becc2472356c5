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

/**
 * Where a tool or task connects: the configured host and port. For a connection with `ssh` these are the database as
 * the bastion sees it; the task opens a local forward to them through the tunnel and points its tools at its
 * 127.0.0.1 end (workers/backup/task-tunnel.ts), so nothing ever connects to `host` directly.
 */
export function toolEndpoint(config: ConnectionConfig): { host?: string; port?: number } {
  const defaultPort = config.type === 'postgres' ? 5432 : config.type === 'mysql' ? 3306 : undefined;
  return { host: config.host ?? (config.socketPath ? undefined : '127.0.0.1'), port: config.port ?? defaultPort };
}

export interface TaskConnectionContext {
  /** `<dataDir>/known_hosts` (knownHostsPathOf), where SSH host keys are pinned. */
  knownHostsPath: string;
}

export function taskConnection(config: ConnectionConfig, context: TaskConnectionContext): TaskConnection {
  const engine = engineOf(config.type);
  if (engine === 'sqlite') return { engine, database: config.database };
  const { host, port } = toolEndpoint(config);
  if (config.ssh) {
    // Through the bastion: the forward reaches host:port from there; a local socket path means nothing here.
    return {
      engine,
      host: config.host ?? '127.0.0.1',
      ...(port !== undefined ? { port } : {}),
      ...(config.user !== undefined ? { user: config.user } : {}),
      ...(config.password !== undefined ? { password: config.password } : {}),
      database: config.database ?? (engine === 'postgres' ? 'postgres' : undefined),
      ssh: config.ssh,
      knownHostsPath: context.knownHostsPath,
      ...(config.extra?.connectTimeoutMs !== undefined ? { connectTimeoutMs: config.extra.connectTimeoutMs } : {}),
    };
  }
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
