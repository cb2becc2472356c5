/**
 * Case "large-sql": what one 10 MB dump-style script (large-sql-script.ts) costs in memory. On a FRESH bridge per
 * database (nothing an earlier case left counts), the script runs as one query.run on one session; the figure is the
 * peak RSS of the supervisor plus any worker child (VmHWM, reset just before) minus their RSS just before. The raw
 * side runs the same script through the same driver in a child process of its own (large-sql-raw.ts), measured the
 * same way after it has built the text.
 *
 * The bridge's figure includes receiving the text (the WebSocket frame, the parsed string, the copy handed to the
 * worker), which the raw side never has to do: a handful of copies of the text is the floor, not a splitter's cost.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { BenchOptions, ResultRow } from './bench-context.js';
import { startBridge } from './bridge-process.js';
import type { BenchTarget } from './datasets.js';
import { childPids, currentRss, formatBytes, peakRss, resetPeakRss, sleep } from './measure.js';
import { LARGE_SQL_BYTES, largeSqlScript, largeSqlTableDdl } from './large-sql-script.js';
import { RpcClient } from './rpc-client.js';

/**
 * The extra memory may be this many times the script's size: the text's own copies on its way in (frame, string,
 * worker copy) are most of it; the splitter used to need ~20× on its own (docs/benchmarks.md).
 */
const MAX_TEXT_MULTIPLE = 10;

export interface LargeSqlDetail {
  db: string;
  bytes: number;
  bridgeExtra: number;
  bridgeMs: number;
  rawExtra: number;
  rawMs: number;
}

export async function runLargeSqlCase(
  target: BenchTarget,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<{ row: ResultRow; detail: LargeSqlDetail }> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const sqliteFile = join(tmpdir(), 'dbv-bench', `large-sql-${suffix}.db`);
  const config = target.kind === 'sqlite' ? { ...target.config, name: 'bench sqlite large', database: sqliteFile } : target.config;
  if (target.kind === 'sqlite') new Database(sqliteFile).close();
  try {
    const bridgeSide = await runOnBridge({ ...target, config }, `dbv_bench_large_b_${suffix}`, opts);
    const rawSide = await runRaw(target.kind, config, `dbv_bench_large_r_${suffix}`);
    const detail: LargeSqlDetail = { db: target.kind, ...bridgeSide, rawExtra: rawSide.extra, rawMs: rawSide.ms };
    log(
      `  ${target.kind}: ${formatBytes(detail.bytes)} script: bridge +${formatBytes(detail.bridgeExtra)} in ${(detail.bridgeMs / 1000).toFixed(1)} s, ` +
        `raw +${formatBytes(detail.rawExtra)} in ${(detail.rawMs / 1000).toFixed(1)} s`,
    );
    const multiple = detail.bridgeExtra / detail.bytes;
    return {
      row: {
        case: `large-sql (${formatBytes(detail.bytes)} dump, extra RSS)`,
        db: target.kind,
        bridge: `+${formatBytes(detail.bridgeExtra)} (${multiple.toFixed(1)}× the text, ${(detail.bridgeMs / 1000).toFixed(1)} s)`,
        raw: `+${formatBytes(detail.rawExtra)} (${(detail.rawMs / 1000).toFixed(1)} s)`,
        ratio: `${(detail.bridgeExtra / Math.max(detail.rawExtra, 1)).toFixed(2)}× raw`,
        target: `≤ ${MAX_TEXT_MULTIPLE}× the text`,
        met: multiple <= MAX_TEXT_MULTIPLE,
      },
      detail,
    };
  } finally {
    rmSync(sqliteFile, { force: true });
  }
}

async function runOnBridge(target: BenchTarget, table: string, opts: BenchOptions): Promise<{ bytes: number; bridgeExtra: number; bridgeMs: number }> {
  const bridge = await startBridge();
  const client = await RpcClient.connect(bridge.url, bridge.token);
  try {
    const connection = await client.call<{ id: string }>('connection.create', { config: target.config });
    const { sessionId } = await client.call<{ sessionId: string }>('query.createSession', { connectionId: connection.id });
    const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };
    await client.runQuery(sessionId, largeSqlTableDdl(table), runOpts);
    const { sql, rows } = largeSqlScript(table);
    const pids = [bridge.pid, ...childPids(bridge.pid)];
    await sleep(500);
    const idle = pids.reduce((sum, pid) => sum + (currentRss(pid) ?? 0), 0);
    for (const pid of pids) resetPeakRss(pid);
    const outcome = await client.runQuery(sessionId, sql, runOpts);
    const peak = pids.reduce((sum, pid) => sum + (peakRss(pid) ?? 0), 0);
    const counted = await countRows(client, sessionId, table, runOpts);
    await client.runQuery(sessionId, `drop table ${table}`, runOpts);
    if (counted !== rows) throw new Error(`bridge ${target.kind} inserted ${counted} rows, expected ${rows}`);
    return { bytes: sql.length, bridgeExtra: peak - idle, bridgeMs: outcome.totalMs };
  } finally {
    client.close();
    await bridge.stop();
  }
}

async function countRows(client: RpcClient, sessionId: string, table: string, runOpts: Record<string, unknown>): Promise<number> {
  let counted = -1;
  await client.runQuery(sessionId, `select count(*) from ${table}`, runOpts, (rows) => {
    counted = Number((rows[0] as unknown[])[0]);
  });
  return counted;
}

async function runRaw(kind: BenchTarget['kind'], config: BenchTarget['config'], table: string): Promise<{ extra: number; ms: number }> {
  const here = fileURLToPath(import.meta.url);
  const script = here.replace(/large-sql-case\.(js|ts)$/, (_, ext: string) => `large-sql-raw.${ext}`);
  const loader = here.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [...loader, script, JSON.stringify({ kind, config, table })], {
    maxBuffer: 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim()) as { idle: number; peak: number; ms: number; bytes: number };
  if (result.bytes < LARGE_SQL_BYTES) throw new Error(`raw ${kind} ran a ${result.bytes}-byte script`);
  return { extra: result.peak - result.idle, ms: result.ms };
}
