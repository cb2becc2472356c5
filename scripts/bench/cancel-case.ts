/**
 * Case 4, cancel: a long streaming query (50,000,000 rows from a generator, see datasets.ts `streamingQuery`) is
 * cancelled as soon as its first batch arrived. Bridge = sending `query.cancel` → receiving its `query.done`
 * (status must be 'cancelled'), measured by a client that parses every frame it receives on the way, as a real one
 * would; raw = the driver's own cancel in this process (raw-cancel.ts). Raw and bridge repetitions alternate.
 */
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import type { BenchTarget } from './datasets.js';
import { sleep, summarize } from './measure.js';
import { openRawCanceller } from './raw-cancel.js';

const CANCEL_ROWS = 50_000_000;
const TARGET_MS = 50;

export async function runCancelCase(
  ctx: BenchContext,
  target: BenchTarget,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<ResultRow> {
  const { sessionId } = await ctx.sessionFor(target);
  const raw = await openRawCanceller(target);
  const sql = target.streamingQuery(CANCEL_ROWS);
  const bridgeMs: number[] = [];
  const rawMs: number[] = [];
  const rawVia = new Map<string, number>();
  try {
    for (let rep = -1; rep < opts.cancelReps; rep++) {
      const r = await raw.streamThenCancel(sql, opts.batchSize);
      const b = await bridgeCancel(ctx, sessionId, sql, opts);
      // rep -1 is the warm-up
      if (rep < 0) continue;
      rawMs.push(r.cancelMs);
      rawVia.set(r.via, (rawVia.get(r.via) ?? 0) + 1);
      bridgeMs.push(b);
    }
  } finally {
    await raw.close();
  }
  const bridge = summarize(bridgeMs);
  const rawT = summarize(rawMs);
  const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
  log(`  ${target.kind}: cancel bridge ${bridge.median.toFixed(1)} ms (p90 ${p90(bridgeMs).toFixed(1)}), raw ${rawT.median.toFixed(1)} ms`);
  const via = [...rawVia].map(([how, n]) => `${n}× ${how}`).join(', ');
  return {
    case: `cancel → query.done (${opts.cancelReps} runs)`,
    db: target.kind,
    bridge: `${bridge.median.toFixed(1)} ms`,
    raw: `${rawT.median.toFixed(1)} ms`,
    ratio: `+${(bridge.median - rawT.median).toFixed(1)} ms`,
    target: `≤ ${TARGET_MS} ms`,
    met: bridge.median <= TARGET_MS,
    spread: `bridge ${bridge.min.toFixed(1)}–${bridge.max.toFixed(1)} (p90 ${p90(bridgeMs).toFixed(1)}), raw ${rawT.min.toFixed(1)}–${rawT.max.toFixed(1)} ms (raw loop ended by: ${via})`,
  };
}

/** One run: query.run, wait for the first batch, send query.cancel, time until query.done. */
async function bridgeCancel(ctx: BenchContext, sessionId: string, sql: string, opts: BenchOptions): Promise<number> {
  let cancelSentAt = 0;
  const cancelled = new Promise<void>((resolve, reject) => {
    let asked = false;
    ctx.client
      .runQuery(sessionId, sql, { batchSize: opts.batchSize, rowFormat: opts.rowFormat }, () => {
        if (asked) return;
        asked = true;
        cancelSentAt = performance.now();
        ctx.client.call('query.cancel', { sessionId }).catch(reject);
      })
      .then((outcome) => {
        if (outcome.status !== 'cancelled') reject(new Error(`cancelled run ended with status ${outcome.status}`));
        else resolve();
      }, reject);
  });
  await cancelled;
  const ms = performance.now() - cancelSentAt;
  // Let the session settle back to idle before the next run (a run on a session still cancelling is SESSION_BUSY).
  await sleep(20);
  return ms;
}
