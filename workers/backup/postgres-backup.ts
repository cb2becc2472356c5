/**
 * PostgreSQL backup through pg_dump (custom format, or plain SQL gzipped) and restore through pg_restore / psql.
 * Progress: a dump is weighted by table size (pg_dump -v names each table as it starts); a restore by the bytes
 * of the file fed to the tool.
 */
import { createReadStream, statSync } from 'node:fs';
import { createGzip, createGunzip } from 'node:zlib';
import pg from 'pg';
import { BridgeError } from '../../protocol/errors.js';
import { fsyncPath, HashingCounter, openOutput } from './hashing-sink.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput, RestoreTaskInput, TaskConnection, TaskResult } from '../channel/backup-task-types.js';
import { pgConnArgs, pgEnv, TableWeights } from './tool-args.js';
import { runTool } from './tool-process.js';

export async function pgClient(conn: TaskConnection): Promise<pg.Client> {
  const client = new pg.Client({
    host: conn.socketPath ?? conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
    application_name: 'dbv-backup',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function tableSizes(conn: TaskConnection): Promise<Array<{ name: string; bytes: number }>> {
  const client = await pgClient(conn);
  try {
    const { rows } = await client.query<{ name: string; bytes: string }>(
      `SELECT n.nspname || '.' || c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
    );
    return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  } finally {
    await client.end().catch(() => undefined);
  }
}

const DUMPING = /dumping contents of table "([^"]+)"/;

export async function pgDump(task: BackupTaskInput, channel: TaskChannel): Promise<TaskResult> {
  const tool = task.tool!;
  channel.progress(0, 'measuring tables');
  const weights = new TableWeights(await tableSizes(task.conn));
  const plain = task.format === 'pg-plain-gz';
  const args = [...pgConnArgs(task.conn), '-v', '-d', task.conn.database ?? 'postgres'];
  // Plain SQL carries its own DROP … IF EXISTS so that psql can load it over an existing database.
  args.push(...(plain ? ['-Fp', '--clean', '--if-exists', '--no-owner', '--no-privileges'] : ['-Fc']));
  for (const table of task.tables ?? []) args.push('-t', table);
  const counter = new HashingCounter();
  const stages = plain ? [createGzip(), counter, openOutput(task.outPath)] : [counter, openOutput(task.outPath)];
  await runTool({
    tool,
    args,
    env: pgEnv(task.conn),
    stdout: stages,
    channel,
    failCode: 'BACKUP_FAILED',
    onStderrLine: (line) => {
      const match = DUMPING.exec(line);
      if (match) channel.progress(2 + 96 * weights.starting(match[1]!), 'dumping', match[1]);
    },
  });
  fsyncPath(task.outPath);
  channel.progress(100, 'done');
  return { size: counter.bytes, sha256: counter.digest(), ...(task.tables ? { tables: task.tables } : {}) };
}

/** Streams the backup file into the tool, reporting the share of the file read so far. */
export function fileFeed(path: string, channel: TaskChannel, from: number, gunzip: boolean): NodeJS.ReadableStream {
  const total = statSync(path).size || 1;
  const counter = new HashingCounter((bytes) => channel.progress(from + (99 - from) * (bytes / total), 'restoring'));
  const stream = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(counter);
  return gunzip ? stream.pipe(createGunzip()) : stream;
}

export async function pgRestore(task: RestoreTaskInput, channel: TaskChannel, clean: boolean): Promise<TaskResult> {
  const tool = task.tool!;
  const database = task.conn.database ?? 'postgres';
  if (task.format === 'pg-custom') {
    const args = [...pgConnArgs(task.conn), '-d', database, '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'];
    if (clean) args.push('--clean', '--if-exists');
    await runTool({ tool, args, env: pgEnv(task.conn), stdin: fileFeed(task.inPath, channel, 10, false) as never, channel, failCode: 'RESTORE_FAILED' });
  } else if (task.format === 'pg-plain-gz') {
    const args = [...pgConnArgs(task.conn), '-d', database, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null'];
    await runTool({ tool, args, env: pgEnv(task.conn), stdin: fileFeed(task.inPath, channel, 10, true) as never, channel, failCode: 'RESTORE_FAILED' });
  } else {
    throw new BridgeError('RESTORE_FAILED', `a ${task.format} backup cannot be restored with ${tool.path}`);
  }
  channel.progress(100, 'done');
  return {};
}
