/**
 * The driver-level backup, used when the native dump tool is missing (or asked for with `via: 'driver'`): a gzipped
 * SQL script written through the database driver — schema, then data, then constraints, indexes, sequence values
 * and views, so it loads in dependency order — and its loader (docs/architecture.md "Jobs").
 *
 * Each statement ends with a line `--@@` (a comment, so psql or mariadb can load the file too); data values are
 * escaped so that a statement's rows never contain a raw newline. The loader splits on that marker, streaming.
 */
import { createReadStream, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { BridgeError } from '../../protocol/errors.js';
import { fsyncPath, HashingCounter, openOutput } from './hashing-sink.js';
import { mysqlConnection } from './mysql-backup.js';
import { pgDumpStatements } from './pg-driver-dump.js';
import { mysqlDumpStatements } from './mysql-driver-dump.js';
import { pgClient } from './postgres-backup.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput, RestoreTaskInput, TaskResult } from '../channel/backup-task-types.js';
import { cancelled } from './tool-process.js';

export const STATEMENT_END = '--@@';

/** Writes statements as they are produced; `emit` resolves when the file can take more. */
export type Emit = (statement: string) => Promise<void>;

export async function dumpWithDriver(task: BackupTaskInput, channel: TaskChannel): Promise<TaskResult> {
  const head = new PassThrough();
  const counter = new HashingCounter();
  const written = pipeline(head, createGzip(), counter, openOutput(task.outPath));
  const emit: Emit = async (statement) => {
    if (channel.signal.aborted) throw cancelled();
    if (!head.write(`${statement};\n${STATEMENT_END}\n`)) await once(head, 'drain');
  };
  try {
    if (task.conn.engine === 'postgres') await pgDumpStatements(task, emit, channel);
    else if (task.conn.engine === 'mysql') await mysqlDumpStatements(task, emit, channel);
    else throw new BridgeError('BACKUP_FAILED', `no driver-level export for ${task.conn.engine}`);
    head.end();
    await written;
  } catch (error) {
    head.destroy();
    await written.catch(() => undefined);
    throw error;
  }
  fsyncPath(task.outPath);
  channel.progress(100, 'done');
  return { size: counter.bytes, sha256: counter.digest(), ...(task.tables ? { tables: task.tables } : {}) };
}

/** Reads the script statement by statement and runs each through the driver (PostgreSQL: in one transaction). */
export async function loadWithDriver(task: RestoreTaskInput, channel: TaskChannel): Promise<TaskResult> {
  const total = statSync(task.inPath).size || 1;
  const counter = new HashingCounter((bytes) => channel.progress(10 + 89 * (bytes / total), 'restoring'));
  const run = await openRunner(task);
  let statement: string[] = [];
  // Opened only now: readline reads from the start, and lines emitted before the loop below would be lost.
  let lines: ReturnType<typeof createInterface> | undefined;
  try {
    await run.begin();
    lines = createInterface({ input: createReadStream(task.inPath, { highWaterMark: 1 << 20 }).pipe(counter).pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      if (channel.signal.aborted) throw cancelled();
      if (line !== STATEMENT_END) {
        statement.push(line);
        continue;
      }
      const sql = statement.join('\n').replace(/;\s*$/, '');
      statement = [];
      if (sql.trim()) await run.exec(sql);
    }
    await run.commit();
  } catch (error) {
    await run.rollback().catch(() => undefined);
    if (error instanceof BridgeError) throw error;
    throw new BridgeError('RESTORE_FAILED', `restore failed: ${(error as Error).message}`);
  } finally {
    lines?.close();
    await run.close();
  }
  channel.progress(100, 'done');
  return {};
}

interface Runner {
  begin(): Promise<void>;
  exec(sql: string): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

async function openRunner(task: RestoreTaskInput): Promise<Runner> {
  if (task.conn.engine === 'postgres') {
    const client = await pgClient(task.conn);
    return {
      begin: async () => void (await client.query('BEGIN')),
      exec: async (sql) => void (await client.query(sql)),
      commit: async () => void (await client.query('COMMIT')),
      rollback: async () => void (await client.query('ROLLBACK')),
      close: () => client.end().catch(() => undefined),
    };
  }
  // MySQL commits DDL implicitly: no transaction to wrap it in.
  const connection = await mysqlConnection(task.conn);
  return {
    begin: async () => undefined,
    exec: async (sql) => void (await connection.query(sql)),
    commit: async () => undefined,
    rollback: async () => undefined,
    close: () => connection.end().catch(() => undefined),
  };
}
