/**
 * MySQL / MariaDB's driver-level dump (see driver-dump.ts): each table as SHOW CREATE TABLE gives it, its rows as
 * INSERTs escaped by mysql2 (binary as X'…'), then the views. Foreign-key checks are off while loading, so table
 * order does not matter. Not covered: routines, triggers, events — mariadb-dump covers those.
 */
import mysql from 'mysql2';
import type { Emit } from './driver-dump.js';
import { callbackConnection, mysqlConnection } from './mysql-backup.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput } from '../channel/backup-task-types.js';
import { TableWeights } from './tool-args.js';

const ROWS_PER_INSERT = 500;
const ident = (name: string) => `\`${name.replaceAll('`', '``')}\``;

function value(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`;
  if (typeof v === 'object' && !(v instanceof Date)) return mysql.escape(JSON.stringify(v));
  return mysql.escape(v as string | number | boolean | Date);
}

export async function mysqlDumpStatements(task: BackupTaskInput, emit: Emit, channel: TaskChannel): Promise<void> {
  const connection = await mysqlConnection(task.conn);
  try {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [tableRows] = await connection.query(
      "SELECT TABLE_NAME AS name, TABLE_TYPE AS type, coalesce(DATA_LENGTH, 0) + coalesce(INDEX_LENGTH, 0) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    );
    const all = tableRows as Array<{ name: string; type: string; bytes: string | number }>;
    let tables = all.filter((t) => t.type === 'BASE TABLE');
    if (task.tables?.length) tables = tables.filter((t) => task.tables!.includes(t.name));
    const views = task.tables?.length ? [] : all.filter((t) => t.type === 'VIEW');
    const weights = new TableWeights(tables.map((t) => ({ name: t.name, bytes: Number(t.bytes) })));

    await emit('SET NAMES utf8mb4');
    await emit('SET FOREIGN_KEY_CHECKS = 0');
    await emit("SET SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO'");
    for (const v of views) await emit(`DROP VIEW IF EXISTS ${ident(v.name)}`);
    for (const t of tables) {
      const [created] = await connection.query(`SHOW CREATE TABLE ${ident(t.name)}`);
      await emit(`DROP TABLE IF EXISTS ${ident(t.name)}`);
      await emit((created as Array<Record<string, string>>)[0]!['Create Table']!);
    }
    for (const t of tables) {
      channel.progress(2 + 90 * weights.starting(t.name), 'dumping', t.name);
      const [cols] = await connection.query(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND EXTRA NOT REGEXP 'VIRTUAL|STORED|PERSISTENT' ORDER BY ORDINAL_POSITION",
        [t.name],
      );
      const columns = (cols as Array<{ name: string }>).map((c) => ident(c.name));
      if (columns.length === 0) continue;
      const stream = callbackConnection(connection).query({ sql: `SELECT ${columns.join(', ')} FROM ${ident(t.name)}`, rowsAsArray: true }).stream({ highWaterMark: ROWS_PER_INSERT });
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length) await emit(`INSERT INTO ${ident(t.name)} (${columns.join(', ')}) VALUES ${batch.join(', ')}`);
        batch = [];
      };
      for await (const row of stream as AsyncIterable<unknown[]>) {
        batch.push(`(${row.map(value).join(', ')})`);
        if (batch.length >= ROWS_PER_INSERT) await flush();
      }
      await flush();
    }
    for (const v of views) {
      const [created] = await connection.query(`SHOW CREATE VIEW ${ident(v.name)}`);
      // The definer is a user of the source server; the loading user becomes the definer instead.
      const sql = (created as Array<Record<string, string>>)[0]!['Create View']!.replace(/ DEFINER=`[^`]*`@`[^`]*`/, '');
      await emit(sql);
    }
    await emit('SET FOREIGN_KEY_CHECKS = 1');
    await connection.query('COMMIT');
  } finally {
    await connection.end().catch(() => undefined);
  }
}
