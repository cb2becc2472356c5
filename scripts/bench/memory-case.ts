/**
 * Case 5, memory under a slow client: on a FRESH bridge per database (so no earlier case's memory counts), stream
 * 1,000,000 rows at full speed, then 10,000,000 rows to a client that reads at a tenth of that speed. The client
 * slows down the way a real one does — it stops reading its socket (ws `pause()`), so the bridge only learns of it
 * through TCP back-pressure and its own transport's buffered amount.
 *
 * Memory: the supervisor's RSS (thread workers live inside it) and any worker child process's RSS, sampled every
 * 100 ms, plus their VmHWM reset before each run (clear_refs). The slow run stops after `memorySeconds` with
 * query.cancel when it has not finished; the RSS curve (peak per tenth of the run) shows whether it was still rising.
 */
import { startBridge } from './bridge-process.js';
import { BenchContext, type BenchOptions, type ResultRow } from './bench-context.js';
import type { BenchTarget } from './datasets.js';
import { childPids, collectGarbage, currentPss, currentRss, formatBytes, peakRss, resetPeakRss, sleep } from './measure.js';
import { RpcClient } from './rpc-client.js';
import { fmtRate } from './throughput-case.js';

const FULL_ROWS = 1_000_000;
const SLOW_ROWS = 10_000_000;
const MAX_TOTAL_BYTES = 200 * 1024 * 1024;
const MAX_DRIFT = 0.2;

export interface MemoryCaseDetail {
  db: string;
  idle: number;
  fullPeak: number;
  fullRate: number;
  slowPeak: number;
  /** Sampled peak of the summed PSS (equal to the RSS figures when the worker is a thread). */
  fullPeakPss: number;
  slowPeakPss: number;
  slowRows: number;
  slowRate: number;
  slowSeconds: number;
  slowStatus: string;
  /** Peak RSS (supervisor + worker) per tenth of the slow run, in bytes. */
  curve: number[];
}

class RssSampler {
  readonly #pids: number[];
  readonly samples: Array<{ at: number; bytes: number; pss: number }> = [];
  readonly #timer: NodeJS.Timeout;

  constructor(pids: number[]) {
    this.#pids = pids;
    this.#timer = setInterval(() => this.#sample(), 100);
    this.#sample();
  }

  #sample(): void {
    const bytes = this.#pids.reduce((sum, pid) => sum + (currentRss(pid) ?? 0), 0);
    // PSS only matters when there is more than one process to add up.
    const pss = this.#pids.length > 1 ? this.#pids.reduce((sum, pid) => sum + (currentPss(pid) ?? 0), 0) : bytes;
    this.samples.push({ at: performance.now(), bytes, pss });
  }

  /** The larger of the sampled peak and the summed VmHWM (which also catches spikes between samples). */
  stop(): { peak: number; peakPss: number; curve: number[] } {
    clearInterval(this.#timer);
    this.#sample();
    const hwm = this.#pids.reduce((sum, pid) => sum + (peakRss(pid) ?? 0), 0);
    const peak = Math.max(hwm, ...this.samples.map((s) => s.bytes));
    const first = this.samples[0].at;
    const span = this.samples[this.samples.length - 1].at - first || 1;
    const curve = new Array<number>(10).fill(0);
    for (const s of this.samples) {
      const tenth = Math.min(9, Math.floor(((s.at - first) / span) * 10));
      curve[tenth] = Math.max(curve[tenth], s.bytes);
    }
    const peakPss = this.#pids.length > 1 ? Math.max(...this.samples.map((s) => s.pss)) : peak;
    return { peak, peakPss, curve };
  }
}

export async function runMemoryCase(
  target: BenchTarget,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<{ row: ResultRow; detail: MemoryCaseDetail }> {
  const bridge = await startBridge();
  const client = await RpcClient.connect(bridge.url, bridge.token);
  const ctx = new BenchContext(bridge, client);
  try {
    const { sessionId } = await ctx.sessionFor(target);
    const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };
    await client.runQuery(sessionId, target.streamingQuery(50_000), runOpts);
    const pids = [bridge.pid, ...childPids(bridge.pid)];
    const settle = async (): Promise<number> => {
      collectGarbage();
      await sleep(200);
      for (const pid of pids) resetPeakRss(pid);
      return pids.reduce((sum, pid) => sum + (currentRss(pid) ?? 0), 0);
    };

    const idle = await settle();
    let sampler = new RssSampler(pids);
    const full = await client.runQuery(sessionId, target.streamingQuery(FULL_ROWS), runOpts);
    const { peak: fullPeak, peakPss: fullPeakPss } = sampler.stop();
    if (full.rows !== FULL_ROWS) throw new Error(`bridge ${target.kind} returned ${full.rows} rows, expected ${FULL_ROWS}`);
    const fullRate = full.rows / (full.totalMs / 1000);
    log(`  ${target.kind}: 1M rows at ${fmtRate(fullRate)} rows/s, peak ${formatBytes(fullPeak)} (idle ${formatBytes(idle)})`);

    await settle();
    sampler = new RssSampler(pids);
    const slowRate = fullRate / 10;
    const started = performance.now();
    let received = 0;
    let throttled = true;
    let resumeTimer: NodeJS.Timeout | undefined;
    // Reads at slowRate: while ahead of schedule the socket is not read; frames already received still arrive, so the
    // schedule is checked again when the pause ends rather than resuming blindly.
    const keepPace = (): void => {
      resumeTimer = undefined;
      const aheadMs = (received / slowRate) * 1000 - (performance.now() - started);
      if (throttled && aheadMs > 0) {
        client.pauseReading();
        resumeTimer = setTimeout(keepPace, aheadMs);
      } else client.resumeReading();
    };
    const onBatch = (rows: unknown[]): void => {
      received += rows.length;
      if (!resumeTimer) keepPace();
    };
    const stopTimer = setTimeout(() => {
      throttled = false;
      clearTimeout(resumeTimer);
      resumeTimer = undefined;
      client.resumeReading();
      void client.call('query.cancel', { sessionId });
    }, opts.memorySeconds * 1000);
    const slow = await client.runQuery(sessionId, target.streamingQuery(SLOW_ROWS), runOpts, onBatch);
    clearTimeout(stopTimer);
    const slowSeconds = (performance.now() - started) / 1000;
    const { peak: slowPeak, peakPss: slowPeakPss, curve } = sampler.stop();
    const perProcess = pids.map((pid) => formatBytes(peakRss(pid))).join(' + ');
    const detail: MemoryCaseDetail = {
      db: target.kind,
      idle,
      fullPeak,
      fullRate,
      slowPeak,
      fullPeakPss,
      slowPeakPss,
      slowRows: slow.rows,
      slowRate: slow.rows / slowSeconds,
      slowSeconds,
      slowStatus: slow.status,
      curve,
    };
    log(
      `  ${target.kind}: slow run ${slow.rows.toLocaleString('en-US')} rows in ${slowSeconds.toFixed(0)} s (${slow.status}) at ` +
        `${fmtRate(detail.slowRate)} rows/s, peak ${formatBytes(slowPeak)} (VmHWM ${perProcess}; PSS ${formatBytes(slowPeakPss)}, 1M run PSS ${formatBytes(fullPeakPss)}); curve ${curve.map((b) => Math.round(b / 2 ** 20)).join(' ')} MiB`,
    );
    const drift = slowPeak / fullPeak - 1;
    return {
      row: {
        case: `memory: 10M rows to a client at 1/10 speed`,
        db: target.kind,
        bridge: formatBytes(slowPeak),
        raw: `1M full speed: ${formatBytes(fullPeak)}`,
        ratio: `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(0)} %`,
        target: `< 200 MiB and ±20 % of 1M`,
        met: slowPeak < MAX_TOTAL_BYTES && Math.abs(drift) <= MAX_DRIFT,
        spread: `supervisor${pids.length > 1 ? ' + worker process' : ' (worker thread inside)'}; idle ${formatBytes(idle)}`,
      },
      detail,
    };
  } finally {
    client.close();
    await bridge.stop();
  }
}
