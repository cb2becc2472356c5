/**
 * Backups and exports through the job system against the bare tools, same run, same disk:
 * - PostgreSQL: backup.create (pg_dump custom format inside a piscina task, hashed as written) vs bare
 *   `pg_dump -Fc -f` of the same database into the same temp folder; target ≤ 1.1× its time.
 * - SQLite: backup.create (the online backup API) vs `sqlite3 <db> ".backup <file>"`.
 * - CSV export of a `rows`-row table: backup.export's rate, with psql's `\copy … to … csv` as the reference.
 * Times are from the call to the job's backup.done (bridge) and from spawn to exit (bare); medians of `reps`,
 * alternating which side goes first.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import { PG_HOST, sqliteTarget } from './datasets.js';
import { summarize } from './measure.js';

const BENCH_DB = 'dbv_bench_backup';

async function pgAdmin(database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ ...PG_HOST, database });
  await client.connect();
  return client;
}

/** The benchmark's database: one table of `rows` rows shaped like the throughput queries', built once and reused. */
async function ensureDatabase(rows: number, log: (line: string) => void): Promise<void> {
  const admin = await pgAdmin();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB])).rowCount === 1;
    if (exists) {
      const db = await pgAdmin(BENCH_DB);
      const count = await db.query('SELECT count(*)::int AS n FROM bench_rows').then((r) => r.rows[0].n as number, () => -1);
      await db.end();
      if (count === rows) return;
      await admin.query(`DROP DATABASE ${BENCH_DB} WITH (FORCE)`);
    }
    log(`backup: building ${BENCH_DB} with ${rows} rows…`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
  const db = await pgAdmin(BENCH_DB);
  await db.query(
    `CREATE TABLE bench_rows AS SELECT g, 'name_' || g AS name, (g * 1.5)::numeric(12,2) AS amount, now() - g * interval '1 second' AS ts
       FROM generate_series(1, ${rows}) g;
     ALTER TABLE bench_rows ADD PRIMARY KEY (g)`,
  );
  await db.query('VACUUM ANALYZE bench_rows');
  await db.end();
}

/** The parts of backup.done this benchmark reads. */
interface Done {
  jobId: string;
  status: string;
  error?: unknown;
  metadata: { id: string };
  export: { path: string; rows: number; size: number };
}

function waitDone(ctx: BenchContext, jobId: string): Promise<Done> {
  return new Promise((resolve) => {
    const off = ctx.client.on('backup.done', (params) => {
      if (params.jobId !== jobId) return;
      off();
      resolve(params as unknown as Done);
    });
  });
}

async function viaBridge(ctx: BenchContext, method: 'backup.create' | 'backup.export', params: Record<string, unknown>): Promise<{ ms: number; done: Done }> {
  const started = performance.now();
  const { jobId } = await ctx.client.call<{ jobId: string }>(method, params);
  const done = await waitDone(ctx, jobId);
  const ms = performance.now() - started;
  if (done.status !== 'success') throw new Error(`${method} ${done.status}: ${JSON.stringify(done.error)}`);
  return { ms, done };
}

async function bare(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return performance.now() - started;
}

function row(caseName: string, db: string, bridgeMs: number[], rawMs: number[], target: number | null): ResultRow {
  const b = summarize(bridgeMs);
  const r = summarize(rawMs);
  const ratio = b.median / r.median;
  return {
    case: caseName,
    db,
    bridge: `${(b.median / 1000).toFixed(2)} s`,
    raw: `${(r.median / 1000).toFixed(2)} s`,
    ratio: `${ratio.toFixed(2)}× time`,
    target: target === null ? 'recorded' : `≤ ${target}×`,
    met: target === null || ratio <= target,
    spread: `bridge ${(b.min / 1000).toFixed(2)}–${(b.max / 1000).toFixed(2)} s, raw ${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)} s`,
  };
}

export async function runBackupCases(ctx: BenchContext, opts: BenchOptions, log: (line: string) => void): Promise<ResultRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'dbv-bench-backup-'));
  const rows: ResultRow[] = [];
  try {
    await ensureDatabase(opts.rows, log);
    const pgConn = await ctx.client.call<{ id: string }>('connection.create', { config: { name: 'bench backup', type: 'postgres', ...PG_HOST, database: BENCH_DB } });
    const pgDump = execFileSync('sh', ['-c', 'command -v pg_dump']).toString().trim();

    const bridgeMs: number[] = [];
    const rawMs: number[] = [];
    for (let rep = 0; rep < opts.reps; rep++) {
      const runBridge = async () => {
        const { ms, done } = await viaBridge(ctx, 'backup.create', { connectionId: pgConn.id, options: {} });
        bridgeMs.push(ms);
        await ctx.client.call('backup.delete', { backupId: done.metadata.id });
      };
      const runRaw = async () => {
        const file = join(out, `bare-${rep}.dump`);
        rawMs.push(await bare(pgDump, ['-h', PG_HOST.host, '-p', String(PG_HOST.port), '-U', PG_HOST.user, '--no-password', '-Fc', '-d', BENCH_DB, '-f', file]));
        rmSync(file);
      };
      if (rep % 2 === 0) await runBridge().then(runRaw);
      else await runRaw().then(runBridge);
    }
    rows.push(row('backup (pg_dump custom)', 'postgres', bridgeMs, rawMs, 1.1));

    const sqlite = sqliteTarget(opts.rows);
    const sqliteConn = await ctx.client.call<{ id: string }>('connection.create', { config: sqlite.config });
    const sqliteBridge: number[] = [];
    const sqliteRaw: number[] = [];
    for (let rep = 0; rep < opts.reps; rep++) {
      const { ms, done } = await viaBridge(ctx, 'backup.create', { connectionId: sqliteConn.id, options: {} });
      sqliteBridge.push(ms);
      await ctx.client.call('backup.delete', { backupId: done.metadata.id });
      const file = join(out, `bare-${rep}.sqlite`);
      sqliteRaw.push(await bare('sqlite3', [String(sqlite.config.database), `.backup '${file}'`]));
      rmSync(file);
    }
    rows.push(row('backup (SQLite backup API)', 'sqlite', sqliteBridge, sqliteRaw, null));

    const exportMs: number[] = [];
    const copyMs: number[] = [];
    let size = 0;
    for (let rep = 0; rep < opts.reps; rep++) {
      const { ms, done } = await viaBridge(ctx, 'backup.export', { connectionId: pgConn.id, source: { table: 'bench_rows' }, options: { format: 'csv' } });
      if (done.export.rows !== opts.rows) throw new Error(`export wrote ${done.export.rows} rows, expected ${opts.rows}`);
      size = done.export.size;
      exportMs.push(ms);
      rmSync(done.export.path);
      const file = join(out, `copy-${rep}.csv`);
      copyMs.push(await bare('psql', ['-h', PG_HOST.host, '-U', PG_HOST.user, '-d', BENCH_DB, '-X', '-q', '-c', `\\copy bench_rows to '${file}' csv header`]));
      size ||= statSync(file).size;
      rmSync(file);
    }
    const e = summarize(exportMs);
    const c = summarize(copyMs);
    rows.push({
      case: `CSV export (${opts.rows} rows, ${(size / 1e6).toFixed(0)} MB)`,
      db: 'postgres',
      bridge: `${Math.round(opts.rows / (e.median / 1000)).toLocaleString('en-US')} rows/s`,
      raw: `${Math.round(opts.rows / (c.median / 1000)).toLocaleString('en-US')} rows/s (psql \\copy)`,
      ratio: `${(e.median / c.median).toFixed(2)}× time`,
      target: 'recorded',
      met: true,
      spread: `export ${(e.min / 1000).toFixed(2)}–${(e.max / 1000).toFixed(2)} s, \\copy ${(c.min / 1000).toFixed(2)}–${(c.max / 1000).toFixed(2)} s`,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}
