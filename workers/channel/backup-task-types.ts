/**
 * What the supervisor and a backup task (a piscina worker) exchange: the task's input, its result, and the
 * messages on the MessagePort passed with it. Types only, so both ends import it for free.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BackupFormat, BridgeErrorShape, ConnectionConfig } from '../../protocol/index.js';

export type Engine = 'postgres' | 'mysql' | 'sqlite';

/**
 * Where and as whom a task connects. Host and port come from one supervisor function; with `ssh` they are the
 * database as the bastion sees it, and the task replaces them by a local port forwarded through the tunnel
 * (workers/backup/task-tunnel.ts) before it does anything else.
 */
export interface TaskConnection {
  engine: Engine;
  host?: string;
  port?: number;
  user?: string;
  /** In memory only; handed to a tool through its environment, never argv. */
  password?: string;
  database?: string;
  socketPath?: string;
  /** The SSH bastion to go through (secrets included: in memory only, never argv, env, app.db or logs). */
  ssh?: NonNullable<ConnectionConfig['ssh']>;
  /** The pinned SSH host keys (`<dataDir>/known_hosts`); set with `ssh`. */
  knownHostsPath?: string;
  /** The connection's connect budget (extra.connectTimeoutMs), for the SSH handshake; set with `ssh`. */
  connectTimeoutMs?: number;
}

export interface ResolvedTool {
  path: string;
  version: string;
}

interface TaskBase {
  jobId: string;
  conn: TaskConnection;
  port: MessagePort;
}

export interface BackupTaskInput extends TaskBase {
  kind: 'backup';
  /** The `*.partial` file to write; the supervisor renames it on success. */
  outPath: string;
  format: BackupFormat;
  tables?: string[];
  /** The dump tool (pg_dump, mariadb-dump…) when the backup goes through one. */
  tool?: ResolvedTool;
}

export interface RestoreTaskInput extends TaskBase {
  kind: 'restore';
  inPath: string;
  format: BackupFormat;
  sha256: string;
  /** The loader tool (pg_restore, psql, mariadb) when the format needs one. */
  tool?: ResolvedTool;
  /** SQLite: the new database file to build (the supervisor swaps it in). */
  outPath?: string;
  /** pg_restore: drop the backup's objects before recreating them (default true; RestoreOptions.dropExisting). */
  clean?: boolean;
}

export interface ExportTaskInput extends TaskBase {
  kind: 'export';
  outPath: string;
  format: 'csv' | 'jsonl';
  source: { table: string; schema?: string } | { sql: string };
}

export type TaskInput = BackupTaskInput | RestoreTaskInput | ExportTaskInput;

export interface TaskResult {
  size?: number;
  sha256?: string;
  tables?: string[];
  rows?: number;
}

export type TaskOutcome = { ok: true; result: TaskResult } | { ok: false; error: BridgeErrorShape };

/** Task → supervisor on the port. */
export type TaskMessage =
  | { type: 'progress'; percent: number; status: string; message?: string }
  | { type: 'spawned'; pid: number; tool: string }
  | { type: 'exited'; pid: number };

/** Supervisor → task on the port. */
export type SupervisorMessage = { type: 'cancel' };
