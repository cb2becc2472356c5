/**
 * Case 2, first-batch latency: on an already-open session (bridge) and an already-open client (raw), the time from
 * issuing a query to holding its first batch of `batchSize` rows. Bridge = sending query.run → the first
 * query.result parsed; raw = issuing the cursor/stream → the first batch complete. The query is the throughput query
 * at a small size (generate_series materializes before the first row, so a large N would measure PostgreSQL).
 */
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import type { BenchTarget } from './datasets.js';
import { summarize } from './measure.js';
import { openRawClient } from './raw-drivers.js';

const LATENCY_ROWS = 2_000;
const ALLOWED_EXTRA_MS = 15;

export async function runFirstBatchCase(
  ctx: BenchContext,
  target: BenchTarget,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<ResultRow> {
  const { sessionId } = await ctx.sessionFor(target);
  const raw = await openRawClient(target);
  const sql = target.query(LATENCY_ROWS);
  const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };
  try {
    for (let i = 0; i < 3; i++) {
      await raw.stream(sql, opts.batchSize);
      await ctx.client.runQuery(sessionId, sql, runOpts);
    }
    const bridgeMs: number[] = [];
    const rawMs: number[] = [];
    for (let rep = 0; rep < opts.latencyReps; rep++) {
      rawMs.push((await raw.stream(sql, opts.batchSize)).firstBatchMs);
      bridgeMs.push((await ctx.client.runQuery(sessionId, sql, runOpts)).firstBatchMs);
    }
    const bridge = summarize(bridgeMs);
    const rawT = summarize(rawMs);
    log(`  ${target.kind}: first batch bridge ${bridge.median.toFixed(1)} ms, raw ${rawT.median.toFixed(1)} ms`);
    return {
      case: `first batch (${opts.batchSize} of ${LATENCY_ROWS.toLocaleString('en-US')} rows)`,
      db: target.kind,
      bridge: `${bridge.median.toFixed(1)} ms`,
      raw: `${rawT.median.toFixed(1)} ms`,
      ratio: `+${(bridge.median - rawT.median).toFixed(1)} ms`,
      target: `≤ raw + ${ALLOWED_EXTRA_MS} ms`,
      met: bridge.median <= rawT.median + ALLOWED_EXTRA_MS,
      spread: `bridge ${bridge.min.toFixed(1)}–${bridge.max.toFixed(1)}, raw ${rawT.min.toFixed(1)}–${rawT.max.toFixed(1)} ms`,
    };
  } finally {
    await raw.close();
  }
}
