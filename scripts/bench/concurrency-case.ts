/**
 * Case 6, concurrency: 20 sessions on 4 bridge connections (2 PostgreSQL + 2 MariaDB, 5 sessions each) all stream
 * 200,000 rows at once; every session's rows are checked (count, and the sum of the first column = n(n+1)/2).
 * Meanwhile a second WebSocket client on its own thread (ping-worker.ts) sends `health.ping` every 10 ms: its round
 * trips show whether the supervisor's event loop stays responsive under the load. For scale, the same 20 streams are
 * then run raw in this process, all at once (the raw side of raw-drivers.ts).
 */
import { Worker } from 'node:worker_threads';
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import { mysqlTarget, postgresTarget, type BenchTarget } from './datasets.js';
import { openRawClient } from './raw-drivers.js';
import { fmtRate } from './throughput-case.js';

const ROWS_PER_SESSION = 200_000;
const CONNECTIONS: Array<() => BenchTarget> = [postgresTarget, postgresTarget, () => mysqlTarget(), () => mysqlTarget()];
const SESSIONS_PER_CONNECTION = 5;
const PING_INTERVAL_MS = 10;
const TARGET_P99_MS = 20;

export interface ConcurrencyDetail {
  sessions: number;
  rows: number;
  seconds: number;
  rawRate: number;
  pings: number;
  lostPings: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of how late the pinging thread's own 10 ms timer fired: CPU starvation of the client, not the bridge. */
  clientTimerLateP99: number;
}

interface PingResult {
  roundTrips: number[];
  tickLateness: number[];
  failures: number;
}

/**
 * Where the slow pings fall: the load's first second (every stream starting at once; PostgreSQL's generate_series in
 * FROM materializes all its rows before the first one) or the steady stream after it. Diagnostic, not a target.
 */
function slowPingsByPhase(roundTrips: number[]): string {
  const firstSecond = Math.round(1000 / PING_INTERVAL_MS);
  const slow = (pings: number[]): number => pings.filter((ms) => ms > TARGET_P99_MS).length;
  return (
    `pings over ${TARGET_P99_MS} ms: ${slow(roundTrips.slice(0, firstSecond))} of the first ${firstSecond} (about the first second), ` +
    `${slow(roundTrips.slice(firstSecond))} of the other ${Math.max(0, roundTrips.length - firstSecond)}`
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function startPinger(ctx: BenchContext, opts: BenchOptions): Promise<{ worker: Worker; stop: () => Promise<PingResult> }> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./ping-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const workerData = { url: ctx.bridge.url, token: ctx.bridge.token, intervalMs: PING_INTERVAL_MS, nice: opts.pingNice };
  // From source (tsx) the thread registers tsx itself: a worker ignores `--import` in execArgv on Node 20.
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`, { eval: true, workerData })
    : new Worker(entry, { workerData });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () =>
      resolve({
        worker,
        stop: () => {
          const result = new Promise<PingResult>((done) => worker.once('message', done));
          worker.postMessage('stop');
          return result.finally(() => worker.terminate());
        },
      }),
    );
  });
}

export async function runConcurrencyCase(ctx: BenchContext, opts: BenchOptions, log: (line: string) => void): Promise<{ row: ResultRow; detail: ConcurrencyDetail }> {
  const targets = CONNECTIONS.map((make, i) => {
    const target = make();
    // A session leases a pool connection for its life and the default pool holds 4: five sessions plus the catalog /
    // cancel connection need a bigger pool (with the default, the 5th query.createSession fails with DB_TIMEOUT).
    return { ...target, config: { ...target.config, name: `bench concurrency ${i + 1}`, extra: { poolSize: SESSIONS_PER_CONNECTION + 2 } } };
  });
  const sessions: Array<{ sessionId: string; target: BenchTarget }> = [];
  for (const target of targets) {
    const { id } = await ctx.client.call<{ id: string }>('connection.create', { config: target.config });
    for (let s = 0; s < SESSIONS_PER_CONNECTION; s++) {
      const { sessionId } = await ctx.client.call<{ sessionId: string }>('query.createSession', { connectionId: id });
      sessions.push({ sessionId, target });
    }
  }
  const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };
  // Warm every session's database connection (and the workers' JIT) with a short run.
  await Promise.all(sessions.map(({ sessionId, target }) => ctx.client.runQuery(sessionId, target.query(1_000), runOpts)));

  const expectedSum = (ROWS_PER_SESSION * (ROWS_PER_SESSION + 1)) / 2;
  const pinger = await startPinger(ctx, opts);
  const started = performance.now();
  const outcomes = await Promise.all(
    sessions.map(async ({ sessionId, target }) => {
      let sum = 0;
      const outcome = await ctx.client.runQuery(sessionId, target.query(ROWS_PER_SESSION), runOpts, (rows) => {
        for (const row of rows as unknown[][]) sum += Number(row[0]);
      });
      if (outcome.rows !== ROWS_PER_SESSION || sum !== expectedSum) {
        throw new Error(`${target.kind} session got ${outcome.rows} rows with checksum ${sum}, expected ${ROWS_PER_SESSION} / ${expectedSum}`);
      }
      return outcome;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { roundTrips, tickLateness, failures } = await pinger.stop();
  const rows = outcomes.reduce((n, o) => n + o.rows, 0);
  for (const { sessionId } of sessions) await ctx.client.call('query.closeSession', { sessionId });

  const rawClients = await Promise.all(sessions.map(({ target }) => openRawClient(target)));
  const rawStarted = performance.now();
  const rawRows = await Promise.all(rawClients.map((raw, i) => raw.stream(sessions[i].target.query(ROWS_PER_SESSION), opts.batchSize)));
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  await Promise.all(rawClients.map((raw) => raw.close()));
  const rawRate = rawRows.reduce((n, r) => n + r.rows, 0) / rawSeconds;

  const detail: ConcurrencyDetail = {
    sessions: sessions.length,
    rows,
    seconds,
    rawRate,
    pings: roundTrips.length,
    lostPings: failures,
    p50: percentile(roundTrips, 0.5),
    p99: percentile(roundTrips, 0.99),
    max: Math.max(...roundTrips),
    clientTimerLateP99: percentile(tickLateness, 0.99),
  };
  log(
    `  concurrency: ${rows.toLocaleString('en-US')} rows verified in ${seconds.toFixed(1)} s (${fmtRate(rows / seconds)} rows/s, raw ${fmtRate(rawRate)}); ` +
      `ping p50 ${detail.p50.toFixed(1)} ms, p99 ${detail.p99.toFixed(1)} ms, max ${detail.max.toFixed(1)} ms over ${detail.pings} pings; ` +
      `the pinging thread's own timer fired up to ${detail.clientTimerLateP99.toFixed(1)} ms late (p99); ` +
      slowPingsByPhase(roundTrips),
  );
  return {
    row: {
      case: `concurrency: ${sessions.length} sessions × ${ROWS_PER_SESSION.toLocaleString('en-US')} rows, health.ping p99`,
      db: '2 pg + 2 mysql connections',
      bridge: `p99 ${detail.p99.toFixed(1)} ms`,
      raw: '—',
      ratio: '—',
      target: `p99 ≤ ${TARGET_P99_MS} ms`,
      met: detail.p99 <= TARGET_P99_MS && failures === 0,
      spread: `p50 ${detail.p50.toFixed(1)} ms, max ${detail.max.toFixed(1)} ms, ${detail.pings} pings, ${failures} lost; client timer late p99 ${detail.clientTimerLateP99.toFixed(1)} ms; ${slowPingsByPhase(roundTrips)}`,
    },
    detail,
  };
}
