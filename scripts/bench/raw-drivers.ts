/**
 * The "raw" side of every comparison: the same driver the bridge uses, streaming the same query in the benchmark's
 * own process, doing what a client minimally needs to do with the rows — the driver's default value parsing, batches
 * of `batchSize` rows as arrays, each batch serialized with JSON.stringify (the form in which it could leave the
 * process). No worker, no IPC, no WebSocket, no JSON.parse: that difference is what the ratio measures.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { BenchTarget } from './datasets.js';

export interface RawStreamOutcome {
  rows: number;
  /** Milliseconds from issuing the query to the first complete batch (or the end, for fewer rows). */
  firstBatchMs: number;
  totalMs: number;
  /** Bytes of JSON produced, a sanity check that the work was not optimized away. */
  jsonBytes: number;
}

export interface RawClient {
  stream(sql: string, batchSize: number): Promise<RawStreamOutcome>;
  close(): Promise<void>;
}

export async function openRawClient(target: BenchTarget): Promise<RawClient> {
  const config = target.config as unknown as { host?: string; port?: number; user?: string; database: string };
  if (target.kind === 'postgres') return openPg(config);
  if (target.kind === 'mysql') return openMysql(config);
  return openSqlite(config.database);
}

class Tally {
  readonly started = performance.now();
  rows = 0;
  jsonBytes = 0;
  firstAt = 0;

  batch(rows: unknown[][]): void {
    if (this.firstAt === 0) this.firstAt = performance.now();
    this.rows += rows.length;
    this.jsonBytes += JSON.stringify(rows).length;
  }

  outcome(): RawStreamOutcome {
    const ended = performance.now();
    return { rows: this.rows, jsonBytes: this.jsonBytes, firstBatchMs: (this.firstAt || ended) - this.started, totalMs: ended - this.started };
  }
}

async function openPg(config: { host?: string; port?: number; user?: string; database: string }): Promise<RawClient> {
  const client = new pg.Client({ host: config.host, port: config.port, user: config.user, database: config.database });
  await client.connect();
  return {
    async stream(sql, batchSize) {
      const tally = new Tally();
      const cursor = client.query(new Cursor(sql, undefined, { rowMode: 'array' }));
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length > 0) tally.batch(rows as unknown[][]);
        if (rows.length < batchSize) break;
      }
      await cursor.close();
      return tally.outcome();
    },
    close: () => client.end(),
  };
}

async function openMysql(config: { host?: string; port?: number; user?: string; database: string }): Promise<RawClient> {
  const connection = mysql.createConnection({ host: config.host, port: config.port, user: config.user, database: config.database });
  await connection.promise().query('select 1');
  return {
    stream(sql, batchSize) {
      return new Promise((resolve, reject) => {
        const tally = new Tally();
        let batch: unknown[][] = [];
        const stream = connection.query({ sql, rowsAsArray: true }).stream();
        stream.on('data', (row: unknown[]) => {
          batch.push(row);
          if (batch.length === batchSize) {
            tally.batch(batch);
            batch = [];
          }
        });
        stream.on('error', reject);
        stream.on('end', () => {
          if (batch.length > 0) tally.batch(batch);
          resolve(tally.outcome());
        });
      });
    },
    close: () => connection.promise().end(),
  };
}

async function openSqlite(path: string): Promise<RawClient> {
  const db = new Database(path, { readonly: true });
  return {
    async stream(sql, batchSize) {
      const tally = new Tally();
      let batch: unknown[][] = [];
      for (const row of db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
        batch.push(row);
        if (batch.length === batchSize) {
          tally.batch(batch);
          batch = [];
        }
      }
      if (batch.length > 0) tally.batch(batch);
      return tally.outcome();
    },
    async close() {
      db.close();
    },
  };
}
