/**
 * Which connector serves which connection type, and in which isolation it runs by default.
 * Native drivers run in a child process (a segfault there cannot take the supervisor down; docs/architecture.md),
 * pure-JS drivers in a worker thread.
 */
import type { ConnectorFactory } from './connector.js';
import type { WorkerConnectorType } from './connector-types.js';

export const DEFAULT_ISOLATION: Record<WorkerConnectorType, 'thread' | 'process'> = {
  sqlite: 'process',
  postgres: 'thread',
  mysql: 'thread',
  faulty: 'process',
};

/** Loaded lazily so a worker only loads its own driver. */
export async function loadConnectorFactory(type: WorkerConnectorType): Promise<ConnectorFactory> {
  switch (type) {
    case 'sqlite':
      return (await import('./sqlite/sqlite-connector.js')).createSqliteConnector;
    case 'postgres':
      return (await import('./postgres/postgres-connector.js')).createPostgresConnector;
    case 'mysql':
      return (await import('./mysql/mysql-connector.js')).createMysqlConnector;
    case 'faulty':
      return (await import('./faulty/faulty-connector.js')).createFaultyConnector;
  }
}
