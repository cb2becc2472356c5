/**
 * Which connector serves which connection type. The isolation each type runs in by default is the supervisor's
 * choice, made before any connector loads: workers/channel/isolation.ts.
 */
import type { ConnectorFactory } from './connector.js';
import type { WorkerConnectorType } from '../channel/connector-types.js';

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
