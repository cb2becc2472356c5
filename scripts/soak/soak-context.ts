/**
 * What every client of the soak shares: its options, the bridge it drives, the saved connections it made, the
 * counters, and the few locks that keep two clients from restoring into the same database at once.
 */
import type { BridgeProcess } from '../bench/bridge-process.js';
import type { Engine } from './expected-data.js';
import type { SoakClient } from './soak-client.js';
import type { SoakDatabases } from './soak-databases.js';
import { SoakStats } from './soak-stats.js';

export interface SoakOptions {
  minutes: number;
  seed: number;
  /** WebSocket clients, besides the one stdio client. */
  clients: number;
  /** Length of a phase: every phase ends with a quiet point where the baselines are compared. */
  phaseSeconds: number;
  /** Rows of a "large" stream (1,000,000 in the recorded soak). */
  streamRows: number;
  summaryJson?: string;
}

/** The saved connections of the soak. `-proc` ones run their driver in a child process, which the soak may SIGKILL. */
export const CONNECTION_KEYS = ['pg', 'pg-proc', 'my', 'my-proc', 'sq', 'pg-restore', 'my-restore', 'sq-restore', 'faulty-thread', 'faulty-process'] as const;
export type ConnectionKey = (typeof CONNECTION_KEYS)[number];

/** Where the query actions run. */
export const QUERY_TARGETS: readonly ConnectionKey[] = ['pg', 'pg-proc', 'my', 'my-proc', 'sq'];
/** Process-isolated workers with a real database behind them: the kill-worker fault's targets. */
export const KILLABLE: readonly ConnectionKey[] = ['pg-proc', 'my-proc', 'sq'];

export function engineOf(key: ConnectionKey): Engine | 'faulty' {
  if (key.startsWith('pg')) return 'postgres';
  if (key.startsWith('my')) return 'mysql';
  if (key.startsWith('sq')) return 'sqlite';
  return 'faulty';
}

/**
 * Connections whose worker the soak crashes or kills on purpose (or stops, for a SQLite restore): on them any run may
 * end with WORKER_CRASHED. Anywhere else that error is a violation — a fault must not spread to other connections.
 */
export const MAY_CRASH: ReadonlySet<ConnectionKey> = new Set(['pg-proc', 'my-proc', 'sq', 'sq-restore', 'faulty-thread', 'faulty-process']);

export class Soak {
  readonly stats = new SoakStats();
  readonly connections = new Map<ConnectionKey, string>();
  /** Connection passwords alive right now: no frame may carry one. */
  readonly secrets = new Set<string>();
  /** Every connection password the soak ever set: none may be found in the data dir's logs or app.db. */
  readonly allSecrets = new Set<string>();
  /** Jobs started and not yet seen in a final state. */
  readonly openJobs = new Map<string, string>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Set once the soak is ending: clients stop taking new actions. */
  stopping = false;

  constructor(
    readonly options: SoakOptions,
    readonly bridge: BridgeProcess,
    readonly databases: SoakDatabases,
    readonly admin: SoakClient,
    readonly backupDir: string,
  ) {}

  readonly report = (invariant: string, detail: string): void => this.stats.violation(invariant, detail);

  connectionId(key: ConnectionKey): string {
    const id = this.connections.get(key);
    if (!id) throw new Error(`no connection ${key}`);
    return id;
  }

  /** Runs `work` after every earlier holder of `name` finished (restores into one database must not overlap). */
  async locked<T>(name: string, work: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(name) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.#locks.set(name, mine);
    return mine;
  }
}
