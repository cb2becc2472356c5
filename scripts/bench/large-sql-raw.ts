/**
 * The raw side of the large-sql case, in a process of its own so that nothing else counts in its peak: the same
 * driver runs the same script the way a driver's own user would (pg and mysql2 as one multi-statement query,
 * better-sqlite3 with exec), and reports the RSS it added on top of holding the text.
 *
 * Spawned by large-sql-case.ts with the target as JSON in argv[2] (no secrets: the bench databases trust localhost).
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { collectGarbage, currentRss, peakRss, resetPeakRss } from './measure.js';
import { largeSqlScript, largeSqlTableDdl } from './large-sql-script.js';

interface RawTarget {
  kind: 'postgres' | 'mysql' | 'sqlite';
  config: { host?: string; port?: number; user?: string; database?: string };
  table: string;
}

async function openRunner(target: RawTarget): Promise<{ run(sql: string): Promise<void>; close(): Promise<void> }> {
  const { config } = target;
  if (target.kind === 'postgres') {
    const client = new pg.Client({ host: config.host, port: config.port, user: config.user, database: config.database });
    await client.connect();
    return { run: async (sql) => void (await client.query(sql)), close: () => client.end() };
  }
  if (target.kind === 'mysql') {
    const connection = await mysql.createConnection({ host: config.host, port: config.port, user: config.user, database: config.database, multipleStatements: true });
    return { run: async (sql) => void (await connection.query(sql)), close: () => connection.end() };
  }
  const db = new Database(config.database!);
  return { run: async (sql) => void db.exec(sql), close: async () => void db.close() };
}

async function main(): Promise<void> {
  const target = JSON.parse(process.argv[2]) as RawTarget;
  const runner = await openRunner(target);
  try {
    await runner.run(largeSqlTableDdl(target.table));
    const { sql, rows } = largeSqlScript(target.table);
    collectGarbage();
    const idle = currentRss('self') ?? 0;
    resetPeakRss('self');
    const started = performance.now();
    await runner.run(sql);
    const ms = performance.now() - started;
    const peak = peakRss('self') ?? 0;
    process.stdout.write(`${JSON.stringify({ idle, peak, ms, rows, bytes: sql.length })}\n`);
  } finally {
    await runner.run(`drop table ${target.table}`).catch(() => undefined);
    await runner.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`large-sql raw failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
