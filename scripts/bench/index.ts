/**
 * `npm run bench`: the bridge against the raw drivers, same run, same queries. Prints one table row per case and
 * database, with the bridge's figure, the raw figure, their ratio and the target verdict, then peak memory.
 *
 *   node dist/scripts/bench/index.js [--quick] [--rows N] [--reps N] [--latency-reps N] [--metadata-reps N]
 *                                    [--cancel-reps N] [--memory-seconds N] [--skip-meta-setup] [--ping-nice N]
 *                                    [--batch N] [--row-format array|object] [--db postgres,mysql,sqlite]
 *                                    [--case throughput,latency,cancel,metadata,concurrency,memory,large-sql,backup,desktop]
 *                                    [--cpu-prof DIR]
 *                                    [--sqlite-isolation thread|process]
 * From source: node --import tsx scripts/bench/index.ts …
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BENCH_CASES, BenchContext, type BenchCase, type BenchOptions, type MemoryRow, type ResultRow } from './bench-context.js';
import { runBackupCases } from './backup-case.js';
import { runCancelCase } from './cancel-case.js';
import { runDesktopCase } from './desktop-case.js';
import { runConcurrencyCase, type ConcurrencyDetail } from './concurrency-case.js';
import { runLargeSqlCase } from './large-sql-case.js';
import { runMemoryCase, type MemoryCaseDetail } from './memory-case.js';
import { startBridge } from './bridge-process.js';
import { mysqlTarget, postgresTarget, sqliteTarget, type BenchTarget, type DbKind } from './datasets.js';
import { runFirstBatchCase } from './first-batch-case.js';
import { runMetadataCase } from './metadata-case.js';
import { currentRss, formatBytes } from './measure.js';
import { renderConcurrency, renderMemory, renderResults, renderSlowClientMemory } from './report.js';
import { RpcClient } from './rpc-client.js';
import { runThroughputCase } from './throughput-case.js';

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      rows: { type: 'string' },
      reps: { type: 'string' },
      'latency-reps': { type: 'string', default: '20' },
      'metadata-reps': { type: 'string', default: '5' },
      'cancel-reps': { type: 'string', default: '20' },
      'memory-seconds': { type: 'string', default: '60' },
      'skip-meta-setup': { type: 'boolean', default: false },
      'ping-nice': { type: 'string' },
      batch: { type: 'string', default: '500' },
      'row-format': { type: 'string', default: 'array' },
      db: { type: 'string', default: 'postgres,mysql,sqlite' },
      case: { type: 'string', default: BENCH_CASES.join(',') },
      'cpu-prof': { type: 'string' },
      'sqlite-isolation': { type: 'string' },
    },
  });
  const int = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  const rowFormat = values['row-format'];
  if (rowFormat !== 'array' && rowFormat !== 'object') throw new Error('--row-format must be array or object');
  return {
    rows: int('rows', values.rows ?? (values.quick ? '200000' : '1000000')),
    reps: int('reps', values.reps ?? (values.quick ? '3' : '5')),
    latencyReps: int('latency-reps', values['latency-reps']),
    metadataReps: int('metadata-reps', values['metadata-reps']),
    cancelReps: int('cancel-reps', values['cancel-reps']),
    memorySeconds: int('memory-seconds', values['memory-seconds']),
    skipMetaSetup: values['skip-meta-setup'],
    pingNice: values['ping-nice'] === undefined ? undefined : Number(values['ping-nice']),
    batchSize: int('batch', values.batch),
    rowFormat,
    dbs: values.db.split(',').map((db) => {
      if (db !== 'postgres' && db !== 'mysql' && db !== 'sqlite') throw new Error(`unknown --db ${db}`);
      return db;
    }),
    cases: values.case.split(',').map((c) => {
      if (!(BENCH_CASES as readonly string[]).includes(c)) throw new Error(`unknown --case ${c}`);
      return c as BenchCase;
    }),
    cpuProfDir: values['cpu-prof'],
    sqliteIsolation: values['sqlite-isolation'] === 'thread' ? 'thread' : values['sqlite-isolation'] === 'process' ? 'process' : undefined,
  };
}

function targetFor(kind: DbKind, opts: BenchOptions): BenchTarget {
  if (kind === 'postgres') return postgresTarget();
  if (kind === 'mysql') return mysqlTarget();
  return sqliteTarget(opts.rows, opts.sqliteIsolation);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const bridge = await startBridge({ cpuProfDir: opts.cpuProfDir });
  const client = await RpcClient.connect(bridge.url, bridge.token);
  const ctx = new BenchContext(bridge, client);
  const results: ResultRow[] = [];
  const memory: MemoryRow[] = [];
  const slowClient: MemoryCaseDetail[] = [];
  let concurrency: ConcurrencyDetail | undefined;
  const load = loadavg().map((n) => n.toFixed(2)).join(', ');
  log(`bench: ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cpus, load average ${load}, bridge ${bridge.entry} pid ${bridge.pid}`);
  log(`bench: ${JSON.stringify(opts)}`);
  log(`bench: supervisor RSS at start ${formatBytes(currentRss(bridge.pid))}`);
  try {
    for (const kind of opts.dbs) {
      const target = targetFor(kind, opts);
      if (opts.cases.includes('throughput')) {
        log(`throughput ${kind}…`);
        const { row, memory: mem } = await runThroughputCase(ctx, target, opts, log);
        results.push(row);
        memory.push(mem);
      }
      if (opts.cases.includes('latency')) {
        log(`first batch ${kind}…`);
        results.push(await runFirstBatchCase(ctx, target, opts, log));
      }
      if (opts.cases.includes('cancel')) {
        log(`cancel ${kind}…`);
        results.push(await runCancelCase(ctx, target, opts, log));
      }
      if (opts.cases.includes('desktop')) {
        log(`desktop ${kind} (MessagePort under a simulated utilityProcess, next to the WebSocket)…`);
        results.push(await runDesktopCase(ctx, target, opts, log));
      }
      if (opts.cases.includes('metadata') && kind !== 'sqlite') {
        log(`metadata ${kind}…`);
        results.push(await runMetadataCase(ctx, kind, opts, log));
      }
    }
    if (opts.cases.includes('concurrency')) {
      log('concurrency (2 pg + 2 mysql connections)…');
      const { row, detail } = await runConcurrencyCase(ctx, opts, log);
      results.push(row);
      concurrency = detail;
    }
    if (opts.cases.includes('backup')) {
      log('backup and export (PostgreSQL, SQLite) vs the bare tools…');
      results.push(...(await runBackupCases(ctx, opts, log)));
    }
  } finally {
    client.close();
    await bridge.stop();
  }
  // Last, each on a bridge of its own: nothing the cases above left in memory counts.
  if (opts.cases.includes('memory')) {
    for (const kind of opts.dbs) {
      log(`memory ${kind} (fresh bridge, slow run up to ${opts.memorySeconds} s)…`);
      const { row, detail } = await runMemoryCase(targetFor(kind, opts), opts, log);
      results.push(row);
      slowClient.push(detail);
    }
  }
  if (opts.cases.includes('large-sql')) {
    for (const kind of opts.dbs) {
      log(`large-sql ${kind} (fresh bridge, one 10 MB dump-style script)…`);
      results.push((await runLargeSqlCase(targetFor(kind, opts), opts, log)).row);
    }
  }
  process.stdout.write(`\n${renderResults(results)}\n`);
  if (memory.length > 0) process.stdout.write(`\n${renderMemory(memory, formatBytes)}\n`);
  if (slowClient.length > 0) process.stdout.write(`\n${renderSlowClientMemory(slowClient, formatBytes)}\n`);
  if (concurrency) process.stdout.write(`\n${renderConcurrency(concurrency)}\n`);
  process.stdout.write(`\n${results.every((r) => r.met) ? 'all targets met' : `${results.filter((r) => !r.met).length} target(s) missed`}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
