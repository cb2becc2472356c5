/**
 * The databases a benchmark talks to and the query each throughput case runs. The three queries produce the same
 * shape (an integer, a short text, a decimal, a timestamp) so the engines can be compared row for row.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerIsolation } from '../../protocol/index.js';

export type DbKind = 'postgres' | 'mysql' | 'sqlite';

export interface BenchTarget {
  kind: DbKind;
  /** The config given to connection.create (and to the connector factories for raw metadata). */
  config: Record<string, unknown> & { name: string; type: DbKind };
  /** A SELECT yielding `rows` rows of (int, text, decimal, timestamp). */
  query(rows: number): string;
  /**
   * The same shape from a generator that hands out its first row at once and never stores the result, for runs
   * that are cancelled or too long to store (memory, cancel, concurrency cases).
   */
  streamingQuery(rows: number): string;
}

export const PG_HOST = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const MYSQL_HOST = { host: '127.0.0.1', port: 3306, user: 'root' };

export function postgresTarget(database = 'postgres'): BenchTarget {
  return {
    kind: 'postgres',
    config: { name: `bench pg ${database}`, type: 'postgres', ...PG_HOST, database },
    query: (n) =>
      `select g, 'name_'||g, (g*1.5)::numeric(12,2), now() - g * interval '1 second' from generate_series(1, ${n}) g`,
    // generate_series in FROM is a FunctionScan, which materializes all N rows in a tuplestore (spilling to disk)
    // before the first one is returned; in the select list it is a ProjectSet, which streams.
    streamingQuery: (n) =>
      `select g, 'name_'||g, (g*1.5)::numeric(12,2), now() - g * interval '1 second' from (select generate_series(1, ${n}) g) s`,
  };
}

export function mysqlTarget(database = 'test'): BenchTarget {
  return {
    kind: 'mysql',
    config: { name: `bench mysql ${database}`, type: 'mysql', ...MYSQL_HOST, database },
    // MariaDB's SEQUENCE engine: seq_1_to_N is a virtual table, nothing is stored.
    query: (n) =>
      `select seq, concat('name_', seq), cast(seq*1.5 as decimal(12,2)), now() - interval seq second from seq_1_to_${n}`,
    streamingQuery: (n) =>
      `select seq, concat('name_', seq), cast(seq*1.5 as decimal(12,2)), now() - interval seq second from seq_1_to_${n}`,
  };
}

/**
 * SQLite has no cheap generator that streams as fast as a table scan, so the rows are stored once in a file per row
 * count (reused across runs) and the query is a plain scan with a LIMIT.
 */
export function sqliteTarget(rows: number, isolation?: WorkerIsolation): BenchTarget {
  const dir = join(tmpdir(), 'dbv-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rows-${rows}.db`);
  if (!existsSync(path)) generateSqliteRows(path, rows);
  return {
    kind: 'sqlite',
    config: { name: 'bench sqlite', type: 'sqlite', database: path, ...(isolation ? { extra: { isolation } } : {}) },
    query: (n) => `select g, name, amount, ts from bench_rows limit ${n}`,
    // A recursive CTE yields row by row (nothing stored), at a fraction of a table scan's speed.
    streamingQuery: (n) =>
      `with recursive s(g) as (select 1 union all select g + 1 from s where g < ${n})
       select g, 'name_' || g, round(g * 1.5, 2), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || g || ' seconds') from s`,
  };
}

function generateSqliteRows(path: string, rows: number): void {
  const db = new Database(`${path}.partial`);
  db.pragma('journal_mode = OFF');
  db.exec(`
    create table bench_rows (g integer primary key, name text not null, amount numeric(12,2) not null, ts text not null);
    with recursive s(g) as (select 1 union all select g + 1 from s where g < ${rows})
    insert into bench_rows select g, 'name_' || g, round(g * 1.5, 2),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || g || ' seconds') from s;
  `);
  db.close();
  // Renamed only when complete, so an interrupted generation is never mistaken for a finished file.
  renameSync(`${path}.partial`, path);
}
