/**
 * What every case shares: the running bridge, one client connected to it, and a bridge connection + session per
 * target (created once, like a user who keeps a tab open), plus the row type each case reports.
 */
import type { WorkerIsolation } from '../../protocol/index.js';
import type { BridgeProcess } from './bridge-process.js';
import type { BenchTarget, DbKind } from './datasets.js';
import type { RpcClient } from './rpc-client.js';

export const BENCH_CASES = ['throughput', 'latency', 'cancel', 'metadata', 'concurrency', 'memory', 'large-sql', 'backup', 'desktop'] as const;
export type BenchCase = (typeof BENCH_CASES)[number];

export interface BenchOptions {
  rows: number;
  /** Repetitions of each throughput measurement (median reported). */
  reps: number;
  /** Repetitions of the first-batch latency measurement. */
  latencyReps: number;
  metadataReps: number;
  /** Repetitions of the cancel measurement. */
  cancelReps: number;
  /** The memory case's slow run is cancelled after this many seconds if it has not finished. */
  memorySeconds: number;
  /** Skip the check-and-generate step of the metadata schema (dbv_bench_meta must then already be complete). */
  skipMetaSetup: boolean;
  /** Diagnostic: nice value of the concurrency case's pinging thread (see ping-worker.ts). */
  pingNice?: number;
  batchSize: number;
  dbs: DbKind[];
  cases: BenchCase[];
  /** 'array' is what the raw side produces; 'object' is the protocol's default row shape. */
  rowFormat: 'array' | 'object';
  /** Profile the bridge's processes into this directory (see bridge-process.ts). */
  cpuProfDir?: string;
  /** Overrides the SQLite connection's worker isolation (default: the bridge's, a child process). */
  sqliteIsolation?: WorkerIsolation;
}

export interface ResultRow {
  case: string;
  /** A DbKind, or a description for a case that mixes databases. */
  db: string;
  bridge: string;
  raw: string;
  /** bridge ÷ raw for a rate, bridge ÷ raw for a time (the text says which). */
  ratio: string;
  target: string;
  met: boolean;
  spread?: string;
}

export interface MemoryRow {
  db: DbKind;
  supervisorPeak?: number;
  supervisorIdle?: number;
  workerPeak?: number;
  rawPeak?: number;
  rawIdle?: number;
}

export class BenchContext {
  readonly bridge: BridgeProcess;
  readonly client: RpcClient;
  readonly #sessions = new Map<string, { connectionId: string; sessionId: string }>();

  constructor(bridge: BridgeProcess, client: RpcClient) {
    this.bridge = bridge;
    this.client = client;
  }

  /** A bridge connection and an open session for this target, created on first use. */
  async sessionFor(target: BenchTarget): Promise<{ connectionId: string; sessionId: string }> {
    const key = JSON.stringify(target.config);
    const known = this.#sessions.get(key);
    if (known) return known;
    const connection = await this.client.call<{ id: string }>('connection.create', { config: target.config });
    const { sessionId } = await this.client.call<{ sessionId: string }>('query.createSession', { connectionId: connection.id });
    const entry = { connectionId: connection.id, sessionId };
    this.#sessions.set(key, entry);
    return entry;
  }

  async connectionFor(target: BenchTarget): Promise<string> {
    return (await this.sessionFor(target)).connectionId;
  }
}
