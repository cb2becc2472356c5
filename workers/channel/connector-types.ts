/**
 * The connector types a worker can serve: the public ones of the protocol, and `faulty`, a test connector that
 * exists only in a bridge started with --enable-fault-injection (the supervisor accepts it only then:
 * supervisor/rpc/fault-injection-methods.ts). It is not part of the public ConnectorType.
 */
import type { ConnectionConfig, ConnectorType } from '../../protocol/index.js';

export const FAULT_INJECTION_TYPE = 'faulty';

export type WorkerConnectorType = ConnectorType | typeof FAULT_INJECTION_TYPE;

/** A connection config as a worker receives it: the public config, whose type may be the test-only one. */
export type WorkerConnectionConfig = Omit<ConnectionConfig, 'type'> & { type: WorkerConnectorType };
