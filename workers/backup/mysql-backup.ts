/**
 * MySQL / MariaDB backup through mariadb-dump or mysqldump (`--single-transaction --routines --triggers --events`,
 * gzipped) and restore through the mariadb / mysql client. Progress as for PostgreSQL: a dump weighted by table
 * size (--verbose names each table), a restore by bytes of the file read.
 */
import type { Connection as CallbackConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { createGzip } from 'node:zlib';
import { fsyncPath, HashingCounter, openOutput } from './hashing-sink.js';
import { fileFeed } from './postgres-backup.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput, RestoreTaskInput, TaskConnection, TaskResult } from '../channel/backup-task-types.js';
import { mysqlConnArgs, mysqlEnv, TableWeights } from './tool-args.js';
import { runTool } from './tool-process.js';

export async function mysqlConnection(conn: TaskConnection, database = conn.database): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database,
    socketPath: conn.socketPath,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  });
}

/** The callback connection under a promise one: its query().stream() gives rows with backpressure. */
export function callbackConnection(connection: mysql.Connection): CallbackConnection {
  return (connection as unknown as { connection: CallbackConnection }).connection;
}

async function tableSizes(conn: TaskConnection): Promise<Array<{ name: string; bytes: number }>> {
  const connection = await mysqlConnection(conn);
  try {
    const [rows] = await connection.query(
      "SELECT TABLE_NAME AS name, coalesce(DATA_LENGTH, 0) + coalesce(INDEX_LENGTH, 0) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
    );
    return (rows as Array<{ name: string; bytes: string | number }>).map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  } finally {
    await connection.end().catch(() => undefined);
  }
}

const RETRIEVING = /Retrieving table structure for table (\S+?)\.\.\./;

export async function mysqlDump(task: BackupTaskInput, channel: TaskChannel): Promise<TaskResult> {
  channel.progress(0, 'measuring tables');
  const weights = new TableWeights(await tableSizes(task.conn));
  const args = [
    ...mysqlConnArgs(task.conn),
    '--single-transaction',
    '--routines',
    '--triggers',
    '--events',
    '--hex-blob',
    '--default-character-set=utf8mb4',
    '--verbose',
    task.conn.database!,
    ...(task.tables ?? []),
  ];
  const counter = new HashingCounter();
  await runTool({
    tool: task.tool!,
    args,
    env: mysqlEnv(task.conn),
    stdout: [createGzip(), counter, openOutput(task.outPath)],
    channel,
    failCode: 'BACKUP_FAILED',
    onStderrLine: (line) => {
      const match = RETRIEVING.exec(line);
      if (match) channel.progress(2 + 96 * weights.starting(match[1]!), 'dumping', match[1]);
    },
  });
  fsyncPath(task.outPath);
  channel.progress(100, 'done');
  return { size: counter.bytes, sha256: counter.digest(), ...(task.tables ? { tables: task.tables } : {}) };
}

export async function mysqlRestore(task: RestoreTaskInput, channel: TaskChannel): Promise<TaskResult> {
  const args = [...mysqlConnArgs(task.conn), '--default-character-set=utf8mb4', '--binary-mode', task.conn.database!];
  await runTool({
    tool: task.tool!,
    args,
    env: mysqlEnv(task.conn),
    stdin: fileFeed(task.inPath, channel, 10, true) as never,
    channel,
    failCode: 'RESTORE_FAILED',
  });
  channel.progress(100, 'done');
  return {};
}
