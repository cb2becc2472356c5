/**
 * The raw side of the cancel case: each driver's own way to stop a long streaming query, in this process, timed from
 * issuing the cancel (after the first batch arrived) to the moment the read loop has stopped and the client is
 * ready for its next query.
 *   - PostgreSQL: `pg_cancel_backend(pid)` from a second client. The server ignores a cancel that arrives while the
 *     backend waits for the client's next Execute (a suspended portal between two cursor reads), so — exactly like
 *     the bridge's connector — a flag set before the cancel is also checked between reads; `via` says which stopped
 *     the loop.
 *   - MariaDB: `KILL QUERY <threadId>` from a second connection; the stream then ends with an error.
 *   - SQLite: a flag checked for every row in the iterate loop, which yields to the event loop between batches so
 *     the cancel (a timer) can run at all.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { BenchTarget } from './datasets.js';

export interface RawCancelOutcome {
  cancelMs: number;
  /** What ended the loop: 'error' (the driver's read failed with the cancel) or 'flag'. */
  via: 'error' | 'flag';
}

export interface RawCanceller {
  /** Streams `sql`, cancels it once the first batch is in, and times the cancel. */
  streamThenCancel(sql: string, batchSize: number): Promise<RawCancelOutcome>;
  close(): Promise<void>;
}

type HostConfig = { host?: string; port?: number; user?: string; database: string };

export async function openRawCanceller(target: BenchTarget): Promise<RawCanceller> {
  const config = target.config as unknown as HostConfig;
  if (target.kind === 'postgres') return openPg(config);
  if (target.kind === 'mysql') return openMysql(config);
  return openSqlite(config.database);
}

async function openPg(config: HostConfig): Promise<RawCanceller> {
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: config.host, port: config.port, user: config.user, database: config.database });
    await client.connect();
    return client;
  };
  const client = await connect();
  const control = await connect();
  const pid = ((await client.query('select pg_backend_pid() as pid')).rows[0] as { pid: number }).pid;
  return {
    async streamThenCancel(sql, batchSize) {
      const cursor = client.query(new Cursor(sql, undefined, { rowMode: 'array' }));
      await cursor.read(batchSize);
      let cancelled = false;
      const started = performance.now();
      const cancelling = (async () => {
        cancelled = true;
        await control.query('select pg_cancel_backend($1)', [pid]);
      })();
      let via: RawCancelOutcome['via'] = 'flag';
      try {
        for (;;) {
          const rows = await cursor.read(batchSize);
          if (cancelled) break;
          if (rows.length < batchSize) throw new Error('raw pg stream ended before it was cancelled');
        }
      } catch (err) {
        if ((err as { code?: string }).code !== '57014') throw err;
        via = 'error';
      }
      if (via === 'flag') await cursor.close();
      const cancelMs = performance.now() - started;
      // The next query waits for the cancel call, so a late cancel can never hit it (as the bridge does).
      await cancelling;
      return { cancelMs, via };
    },
    async close() {
      await client.end();
      await control.end();
    },
  };
}

async function openMysql(config: HostConfig): Promise<RawCanceller> {
  const options = { host: config.host, port: config.port, user: config.user, database: config.database };
  const connection = mysql.createConnection(options);
  const control = mysql.createConnection(options).promise();
  await connection.promise().query('select 1');
  await control.query('select 1');
  return {
    streamThenCancel(sql, batchSize) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        let started = 0;
        let killing: Promise<unknown> | undefined;
        const stream = connection.query({ sql, rowsAsArray: true }).stream();
        stream.on('data', () => {
          if (++seen !== batchSize) return;
          started = performance.now();
          killing = control.query(`KILL QUERY ${connection.threadId}`);
        });
        let errored = false;
        const finish = (via: RawCancelOutcome['via']) => {
          errored = true;
          const cancelMs = performance.now() - started;
          if (!killing) return reject(new Error('raw mysql stream ended before its first batch'));
          killing.then(() => resolve({ cancelMs, via }), reject);
        };
        stream.on('error', (err: { errno?: number }) => {
          // 1317 ER_QUERY_INTERRUPTED
          if (err.errno === 1317) finish('error');
          else reject(err as Error);
        });
        // mysql2 emits 'end' after 'error' too (on close); only an 'end' without an error means KILL came too late.
        stream.on('end', () => {
          if (!errored) reject(new Error('raw mysql stream ended without being cancelled'));
        });
      });
    },
    async close() {
      await connection.promise().end();
      await control.end();
    },
  };
}

async function openSqlite(path: string): Promise<RawCanceller> {
  const db = new Database(path, { readonly: true });
  return {
    async streamThenCancel(sql, batchSize) {
      let cancelled = false;
      let started = 0;
      let batch: unknown[][] = [];
      let batches = 0;
      for (const row of db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
        if (cancelled) break;
        batch.push(row);
        if (batch.length < batchSize) continue;
        JSON.stringify(batch);
        batch = [];
        if (++batches === 1) {
          setImmediate(() => {
            started = performance.now();
            cancelled = true;
          });
        }
        // Yielding between batches is what lets a cancel (or anything else) run during a long iterate.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (!cancelled) throw new Error('raw sqlite stream ended before it was cancelled');
      return { cancelMs: performance.now() - started, via: 'flag' };
    },
    async close() {
      db.close();
    },
  };
}
