/**
 * Everything that crosses between the supervisor and a connection worker, in one place.
 *
 * Two channels share the worker's single message pipe (parentPort or the child's IPC), tagged by `ch`:
 * - 'rpc': comlink request/response for the WorkerApi below;
 * - 'stream': result batches and credits, plain messages (comlink proxies do not cross a process boundary).
 */
import type {
  BridgeErrorShape,
  ConnectionConfig,
  ConnectionTestResult,
  RunOptions,
  RunStatus,
  SchemaMetadata,
  TableInfo,
} from '../protocol/index.js';

/** The request/response face of a connection worker (exposed with comlink). */
export interface WorkerApi {
  /** Builds the connector from the full config (secrets included); called once after spawn. */
  init(config: ConnectionConfig): Promise<void>;
  test(): Promise<ConnectionTestResult>;
  listSchemas(): Promise<SchemaMetadata>;
  tableInfo(tableName: string, schema?: string): Promise<TableInfo>;
  openSession(sessionId: string): Promise<void>;
  /** Starts a run; it reports only on the stream channel (batch… end). Resolves when the run is accepted. */
  startRun(run: RunRequest): Promise<void>;
  cancelRun(sessionId: string, runId: string): Promise<boolean>;
  closeSession(sessionId: string): Promise<void>;
  poolStats(): Promise<{ total?: number; idle?: number; waiting?: number }>;
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

/** Worker → supervisor on the stream channel. */
export type WorkerStreamMessage =
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
export type SupervisorStreamMessage = { type: 'credit'; runId: string; batches: number };

/** The envelope on the shared pipe. */
export type ChannelMessage =
  | { ch: 'rpc'; msg: unknown }
  | { ch: 'stream'; msg: WorkerStreamMessage | SupervisorStreamMessage };
