/**
 * Everything that crosses between the supervisor and a connection worker, in one place.
 *
 * Two channels share the worker's single message pipe (a local socket for a thread, the child's IPC for a process;
 * parent-pipe.ts), tagged by `ch`:
 * - 'rpc': comlink request/response for the WorkerApi below;
 * - 'stream': result batches and credits, plain messages (comlink proxies do not cross a process boundary), and
 *   the connection's server health, which belongs to no run: route stream messages by `type` before `runId`.
 */
import type {
  BridgeErrorShape,
  ConnectionTestResult,
  PoolStats,
  RunOptions,
  RunStatus,
  SchemaMetadata,
  TableInfo,
} from '../../protocol/index.js';
import type { WorkerConnectionConfig } from './connector-types.js';

/** How the supervisor runs this worker; given with `init`, never through argv or environment. */
export interface WorkerInitOptions {
  /** The bridge runs with --enable-fault-injection: the test-only `faulty` connector may be loaded. */
  faultInjection?: boolean;
  /**
   * The bridge logs at debug level: errors carry the driver's own message and stack as `details.raw`, with every
   * secret of the config masked (workers/error-diagnostics.ts).
   */
  rawErrors?: boolean;
  /** The pinned SSH host keys (`<dataDir>/known_hosts`); without it every SSH host is unknown. */
  knownHostsPath?: string;
}

/** The request/response face of a connection worker (exposed with comlink). */
export interface WorkerApi {
  /** Builds the connector from the full config (secrets included); called once after spawn. */
  init(config: WorkerConnectionConfig, options?: WorkerInitOptions): Promise<void>;
  test(): Promise<ConnectionTestResult>;
  listSchemas(): Promise<SchemaMetadata>;
  /**
   * The same metadata already serialized by the worker, for splicing into a JSON-RPC response: a large schema is
   * then neither structured-cloned across the boundary as an object graph nor stringified again.
   */
  listSchemasJson(): Promise<string>;
  tableInfo(tableName: string, schema?: string): Promise<TableInfo>;
  openSession(sessionId: string): Promise<void>;
  /** Starts a run; it reports only on the stream channel (batch… end). Resolves when the run is accepted. */
  startRun(run: RunRequest): Promise<void>;
  cancelRun(sessionId: string, runId: string): Promise<boolean>;
  /**
   * Ends the session's database connection under `runId` at once (a cancel that missed its grace): the run ends
   * cancelled, the session reconnects on its next run. False when that run is not running or the connector cannot.
   */
  endSessionConnection(sessionId: string, runId: string): Promise<boolean>;
  closeSession(sessionId: string): Promise<void>;
  poolStats(): Promise<PoolStats>;
  /**
   * Ends, from this worker's own connection, the server-side connections a dead worker's sessions left behind (their
   * backend ids, SessionBackendMessage): what they still execute stops. Resolves with how many it ended.
   */
  endOrphanedBackends(backendIds: number[]): Promise<number>;
  shutdown(): Promise<void>;
}


export interface RunRequest {
  sessionId: string;
  runId: string;
  sql: string;
  opts: RunOptions;
  /** Batches the worker may send before it waits for more credit. */
  initialCredit: number;
}

/** Worker → supervisor on the stream channel: one run's batches and end, the server's health, or session backends. */
export type WorkerStreamMessage = RunStreamMessage | HealthStreamMessage | SessionBackendMessage | HeartbeatMessage;

/**
 * The supervisor's watchdog asks, the worker echoes `seq` at once (supervisor/actors/worker-watchdog.ts). Answered by
 * the worker's event loop and nothing else, so a worker stuck in a synchronous loop stays silent.
 */
export interface HeartbeatMessage {
  type: 'heartbeat';
  seq: number;
}

/**
 * The id the database server knows a session's own connection by (PostgreSQL backend pid, MariaDB/MySQL connection
 * id), sent whenever it changes; null once the session has no connection. If the worker dies, the supervisor ends
 * what these connections still execute from a fresh worker (docs/reliability.md, "Server-side cleanup").
 */
export interface SessionBackendMessage {
  type: 'session-backend';
  sessionId: string;
  backendId: number | null;
}

/** The server's health seen from the connection's pool (Connector.onHealth); it carries no runId. */
export interface HealthStreamMessage {
  type: 'health';
  state: 'lost' | 'recovered';
  /** Human-readable; never a password. */
  reason: string;
  /** The driver's code when known (57P01, ECONNREFUSED, PROTOCOL_CONNECTION_LOST…). */
  code?: string;
}

/** The stream messages of one run, addressed by its runId. */
export type RunStreamMessage =
  | {
      type: 'batch';
      runId: string;
      /** The `params` of a `query.result` notification, serialized once in the worker. */
      json: string;
      rows: number;
    }
  | {
      type: 'end';
      runId: string;
      status: RunStatus;
      rows: number;
      rowsAffected?: number;
      error?: BridgeErrorShape;
    };

/** Supervisor → worker on the stream channel. */
export type SupervisorStreamMessage = { type: 'credit'; runId: string; batches: number } | HeartbeatMessage;

/** The envelope on the shared pipe. */
export type ChannelMessage =
  | { ch: 'rpc'; msg: unknown }
  | { ch: 'stream'; msg: WorkerStreamMessage | SupervisorStreamMessage };
