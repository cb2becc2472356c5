/**
 * Export of a table or a query's result to CSV or JSON lines, streamed: rows come from a server cursor (pg-cursor,
 * a mysql2 stream, better-sqlite3's iterator) and go to the file in ~64 KiB chunks with backpressure, so a
 * 10M-row table never sits in memory. Progress is rows written / the row count taken first.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { BridgeError } from '../../protocol/errors.js';
import { fsyncPath, HashingCounter, openOutput } from './hashing-sink.js';
import { callbackConnection, mysqlConnection } from './mysql-backup.js';
import { pgClient } from './postgres-backup.js';
import type { TaskChannel } from './task-channel.js';
import type { ExportTaskInput, TaskResult } from '../channel/backup-task-types.js';
import { cancelled } from './tool-process.js';

const CHUNK_CHARS = 64 * 1024;
const CURSOR_ROWS = 5000;
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

type RowSource = { columns: string[]; rows: AsyncIterable<unknown[]> | Iterable<unknown[]>; total: number; close(): Promise<void> };

export async function exportRows(task: ExportTaskInput, channel: TaskChannel): Promise<TaskResult> {
  channel.progress(0, 'counting rows');
  const source = await openSource(task);
  const counter = new HashingCounter();
  const head = new PassThrough();
  const written = pipeline(head, counter, openOutput(task.outPath));
  let rows = 0;
  try {
    const encode = task.format === 'csv' ? csvLine : jsonLine(source.columns);
    let chunk = task.format === 'csv' ? csvLine(source.columns) : '';
    for await (const row of source.rows) {
      if (channel.signal.aborted) throw cancelled();
      chunk += encode(row);
      rows++;
      if (chunk.length >= CHUNK_CHARS) {
        await write(head, chunk);
        chunk = '';
        channel.progress(source.total > 0 ? Math.min(99, (100 * rows) / source.total) : 50, 'exporting');
      }
    }
    if (chunk) await write(head, chunk);
    head.end();
    await written;
  } catch (error) {
    head.destroy();
    await written.catch(() => undefined);
    throw error;
  } finally {
    await source.close();
  }
  fsyncPath(task.outPath);
  channel.progress(100, 'done');
  return { size: counter.bytes, sha256: counter.digest(), rows };
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function openSource(task: ExportTaskInput): Promise<RowSource> {
  const { engine } = task.conn;
  if (engine === 'postgres') {
    const client = await pgClient(task.conn);
    const sql = 'sql' in task.source ? task.source.sql : `SELECT * FROM ${pgName(task.source)}`;
    const total = Number((await client.query(`SELECT count(*)::text AS n FROM (${sql}) AS counted`)).rows[0].n);
    // CSV takes PostgreSQL's own text form of every value (as COPY … CSV writes it), skipping the driver's parsing
    // into Dates and numbers only to print them again; JSON lines keeps the parsed types.
    const cursor = client.query(new Cursor(sql, [], { rowMode: 'array', ...(task.format === 'csv' ? { types: RAW_TEXT } : {}) }));
    const first = await cursor.read(CURSOR_ROWS);
    const columns = ((cursor as unknown as { _result?: { fields?: Array<{ name: string }> } })._result?.fields ?? []).map((f) => f.name);
    async function* rows(): AsyncIterable<unknown[]> {
      let batch = first as unknown[][];
      while (batch.length > 0) {
        yield* batch;
        batch = (await cursor.read(CURSOR_ROWS)) as unknown[][];
      }
    }
    return { columns, rows: rows(), total, close: async () => { await cursor.close().catch(() => undefined); await client.end().catch(() => undefined); } };
  }
  if (engine === 'mysql') {
    const connection = await mysqlConnection(task.conn);
    const sql = 'sql' in task.source ? task.source.sql : `SELECT * FROM ${mysqlName(task.source)}`;
    const [countRows] = await connection.query(`SELECT count(*) AS n FROM (${sql}) AS counted`);
    const total = Number((countRows as Array<{ n: number }>)[0]!.n);
    const raw = callbackConnection(connection).query({ sql, rowsAsArray: true });
    const stream = raw.stream({ highWaterMark: CURSOR_ROWS });
    const [fields] = (await once(raw, 'fields')) as [Array<{ name: string }>];
    return { columns: fields.map((f) => f.name), rows: stream as AsyncIterable<unknown[]>, total, close: async () => { stream.destroy(); connection.destroy(); } };
  }
  const db = new Database(task.conn.database!, { readonly: true, fileMustExist: true });
  try {
    const sql = 'sql' in task.source ? task.source.sql : `SELECT * FROM "${task.source.table.replaceAll('"', '""')}"`;
    const statement = db.prepare(sql);
    if (!statement.reader) throw new BridgeError('INVALID_PARAMS', 'the export query returns no rows');
    const total = Number(db.prepare(`SELECT count(*) FROM (${sql})`).pluck().get());
    const columns = statement.columns().map((c) => c.name);
    return { columns, rows: statement.raw().iterate() as Iterable<unknown[]>, total, close: async () => void db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}

function pgName(source: { table: string; schema?: string }): string {
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return source.schema ? `${quote(source.schema)}.${quote(source.table)}` : quote(source.table);
}

function mysqlName(source: { table: string; schema?: string }): string {
  const quote = (s: string) => `\`${s.replaceAll('`', '``')}\``;
  return source.schema ? `${quote(source.schema)}.${quote(source.table)}` : quote(source.table);
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvLine(row: unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += ',';
    const value = row[i];
    const t = typeof value === 'string' ? value : text(value);
    if (t === null) continue;
    line += t === '' || NEEDS_QUOTES.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  }
  return `${line}\r\n`;
}

function jsonLine(columns: string[]): (row: unknown[]) => string {
  return (row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const value = row[i];
      object[columns[i]!] = value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' ? (value ?? null) : typeof value === 'bigint' ? value.toString() : typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value) && !(value instanceof Uint8Array) ? value : text(value);
    }
    return `${JSON.stringify(object)}\n`;
  };
}
