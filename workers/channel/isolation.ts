/**
 * Where each connection type's worker runs unless its config says otherwise. Native drivers run in a child process
 * (a segfault there cannot take the supervisor down; docs/architecture.md), pure-JS drivers in a worker thread.
 * Kept on the channel, not in the connector registry, because the supervisor decides the isolation before any
 * connector code is loaded.
 */
import type { WorkerIsolation } from '../../protocol/index.js';
import type { WorkerConnectorType } from './connector-types.js';

export type { WorkerIsolation };

export const DEFAULT_ISOLATION: Record<WorkerConnectorType, WorkerIsolation> = {
  sqlite: 'process',
  postgres: 'thread',
  mysql: 'thread',
  faulty: 'process',
};
