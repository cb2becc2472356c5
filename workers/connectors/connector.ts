/**
 * The connector contract: what every database driver adapter implements. One Connector instance lives inside one
 * connection's worker and is built from that connection's config (secrets included, given at connect time only).
 *
 * Differs from the seed plan's contract in one way: the config is given once to the factory, not to every call,
 * because a worker serves exactly one connection.
 */
import type {
  ColumnMeta,
  ConnectionConfig,
  ConnectionTestResult,
  PoolStats,
  SchemaMetadata,
  TableInfo,
} from '../../protocol/index.js';
import type { RowFormat } from '../result-batch-encoder.js';

/** One batch of rows of one result set, values already JSON-safe (see json-safe.ts). */
export interface RowBatch {
  /** Index of the statement's result set within the run (0 for a single statement). */
  resultSetIndex: number;
  columns: ColumnMeta[];
  /** Rows as arrays of cells; with `rowsAreJson`, each row's JSON text in the run's rowFormat instead. */
  rows: unknown[][] | string[];
  /** The database serialized the rows itself (SQLite, sqlite-json-rows.ts): the worker splices them unparsed. */
  rowsAreJson?: true;
  /** True on the last batch of this result set. */
  last: boolean;
  /**
   * True on the last batch of the last result set of the run, false on any other, when the connector knows (it split
   * the statements). Without it the worker has to pull once more after each `last` batch to learn whether the run is
   * complete, and that pull runs the next statement before the batch in hand reaches the client.
   */
  final?: boolean;
  /** For DML/DDL (no rows): rows changed. */
  rowsAffected?: number;
  /** On a run's first batch: the session's earlier connection was lost and this run is on a new one. */
  sessionReconnected?: true;
}

export interface ConnectorRunOptions {
  /** Rows per batch; the connector reads this many from the driver per pull. */
  batchSize: number;
  /**
   * The client's row shape. A connector that can serialize rows itself (RowBatch.rowsAreJson) does so only when
   * told it; without it every connector returns arrays of cells.
   */
  rowFormat?: RowFormat;
  params?: unknown[];
  /** Aborted when the run is cancelled or timed out; the connector stops reading and cancels on the server. */
  signal: AbortSignal;
}

/**
 * The server's health as a pooled connector sees it: 'lost' once when pooled connections die or cannot be made after
 * the pool had worked, then 'recovered' once a probe (or any new connection) succeeds. A session's own client dying
 * is reported by its runs (DB_CONN_LOST), not here. `reason` never holds a password.
 */
export interface HealthEvent {
  state: 'lost' | 'recovered';
  reason: string;
  /** The driver's code when there is one (a SQLSTATE such as 57P01, ECONNREFUSED, PROTOCOL_CONNECTION_LOST). */
  code?: string;
}

export type HealthListener = (event: HealthEvent) => void;

export interface Connector {
  readonly type: string;
  /** Connects once and reports the server's version; failures thrown as BridgeError with a registry code. */
  testConnection(): Promise<ConnectionTestResult>;
  getMetadata(): Promise<SchemaMetadata>;
  tableInfo(tableName: string, schema?: string): Promise<TableInfo>;
  /** Reserves a dedicated database client for a session; it is kept until closeSession. */
  openSession(sessionId: string): Promise<void>;
  /**
   * Runs a statement list on the session's client. Pulling the iterator reads the next batch from the database:
   * nothing is read ahead of the consumer, which is what makes back-pressure work.
   */
  runQuery(sessionId: string, sql: string, opts: ConnectorRunOptions): AsyncIterable<RowBatch>;
  /** Cancels the session's running statement on the server. Resolves true if something was cancelled. */
  cancel(sessionId: string): Promise<boolean>;
  /**
   * Ends the session's own database connection under its running statement (server connectors): the run ends
   * cancelled and the session reconnects on its next run. Resolves true if a run was running.
   */
  endSessionConnection?(sessionId: string): Promise<boolean>;
  closeSession(sessionId: string): Promise<void>;
  /** Subscribes to server health events; connectors without a pool (or a server) may not implement it. */
  onHealth?(listener: HealthListener): void;
  /**
   * Subscribes to the server-side ids of the sessions' own connections (PostgreSQL backend pid, MySQL connection id):
   * called with the id whenever a session (re)connects and with null when its connection is gone. Connectors without
   * a server do not implement it.
   */
  onSessionBackend?(listener: (sessionId: string, backendId: number | null) => void): void;
  /**
   * Ends, from a connection of its own, server connections that a dead worker left behind (ids as reported through
   * onSessionBackend), and with them whatever they still execute. Resolves with how many were ended.
   */
  endOrphanedBackends?(backendIds: number[]): Promise<number>;
  /** Pool statistics for debug.dumpState; `sessions` counts the sessions' own connections, outside the pool. */
  poolStats?(): PoolStats;
  close(): Promise<void>;
}

export type ConnectorFactory = (config: ConnectionConfig) => Connector;
