/**
 * Case 1, throughput: N rows streamed end to end. Bridge = query.run over WebSocket until query.done, every frame
 * parsed by the client; raw = the same driver streaming the same query in this process (raw-drivers.ts). The two
 * sides alternate within each repetition so drift in the machine's load hits both alike; medians are compared.
 *
 * Peak RSS is taken per side: the supervisor's and any worker child's VmHWM around bridge runs, this process's
 * VmHWM around raw runs (each reset just before, after a GC).
 */
import type { BenchContext, BenchOptions, MemoryRow, ResultRow } from './bench-context.js';
import type { BenchTarget } from './datasets.js';
import { childPids, collectGarbage, currentRss, peakRss, resetPeakRss, summarize } from './measure.js';
import { openRawClient } from './raw-drivers.js';

const TARGET_RATIO = 0.7;

export async function runThroughputCase(
  ctx: BenchContext,
  target: BenchTarget,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<{ row: ResultRow; memory: MemoryRow }> {
  const { sessionId } = await ctx.sessionFor(target);
  const raw = await openRawClient(target);
  const sql = target.query(opts.rows);
  const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };
  const memory: MemoryRow = { db: target.kind };
  const supervisorPid = ctx.bridge.pid;
  try {
    // Warm-up: JIT, type caches, connection pools, the SQLite file in the page cache.
    const warm = target.query(Math.min(opts.rows, 50_000));
    await raw.stream(warm, opts.batchSize);
    await ctx.client.runQuery(sessionId, warm, runOpts);

    const bridgeRates: number[] = [];
    const rawRates: number[] = [];
    for (let rep = 0; rep < opts.reps; rep++) {
      collectGarbage();
      memory.rawIdle = Math.max(memory.rawIdle ?? 0, currentRss('self') ?? 0);
      resetPeakRss('self');
      const r = await raw.stream(sql, opts.batchSize);
      memory.rawPeak = Math.max(memory.rawPeak ?? 0, peakRss('self') ?? 0);
      if (r.rows !== opts.rows) throw new Error(`raw ${target.kind} returned ${r.rows} rows, expected ${opts.rows}`);
      rawRates.push(r.rows / (r.totalMs / 1000));

      collectGarbage();
      const workers = childPids(supervisorPid);
      memory.supervisorIdle = Math.max(memory.supervisorIdle ?? 0, currentRss(supervisorPid) ?? 0);
      for (const pid of [supervisorPid, ...workers]) resetPeakRss(pid);
      const b = await ctx.client.runQuery(sessionId, sql, runOpts);
      memory.supervisorPeak = Math.max(memory.supervisorPeak ?? 0, peakRss(supervisorPid) ?? 0);
      for (const pid of workers) memory.workerPeak = Math.max(memory.workerPeak ?? 0, peakRss(pid) ?? 0);
      if (b.rows !== opts.rows) throw new Error(`bridge ${target.kind} returned ${b.rows} rows (${b.status}), expected ${opts.rows}`);
      bridgeRates.push(b.rows / (b.totalMs / 1000));
      log(`  ${target.kind} rep ${rep + 1}: raw ${fmtRate(rawRates[rep])}, bridge ${fmtRate(bridgeRates[rep])} rows/s`);
    }
    const bridge = summarize(bridgeRates);
    const rawRate = summarize(rawRates);
    const ratio = bridge.median / rawRate.median;
    return {
      row: {
        case: `throughput ${opts.rows.toLocaleString('en-US')} rows`,
        db: target.kind,
        bridge: `${fmtRate(bridge.median)} rows/s`,
        raw: `${fmtRate(rawRate.median)} rows/s`,
        ratio: ratio.toFixed(2),
        target: `≥ ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        spread: `bridge ${fmtRate(bridge.min)}–${fmtRate(bridge.max)}, raw ${fmtRate(rawRate.min)}–${fmtRate(rawRate.max)}`,
      },
      memory,
    };
  } finally {
    await raw.close();
  }
}

export function fmtRate(rowsPerSecond: number): string {
  return rowsPerSecond >= 1000 ? `${Math.round(rowsPerSecond / 1000)}k` : String(Math.round(rowsPerSecond));
}
