/** Renders the results as Markdown tables, so the output can be pasted into docs/benchmarks.md as it is. */
import type { MemoryRow, ResultRow } from './bench-context.js';
import type { ConcurrencyDetail } from './concurrency-case.js';
import type { MemoryCaseDetail } from './memory-case.js';
import { fmtRate } from './throughput-case.js';

function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

export function renderResults(rows: ResultRow[]): string {
  return table(
    ['case', 'db', 'bridge (median)', 'raw (median)', 'bridge vs raw', 'target', 'verdict', 'spread (min–max)'],
    rows.map((r) => [r.case, r.db, r.bridge, r.raw, r.ratio, r.target, r.met ? 'met' : '**missed**', r.spread ?? '']),
  );
}

export function renderMemory(rows: MemoryRow[], bytes: (n: number | undefined) => string): string {
  return table(
    ['throughput run', 'supervisor peak RSS (idle before)', 'worker process peak RSS', 'raw process peak RSS (idle before)'],
    rows.map((r) => [
      r.db,
      `${bytes(r.supervisorPeak)} (${bytes(r.supervisorIdle)})`,
      r.workerPeak === undefined ? '— (thread in supervisor)' : bytes(r.workerPeak),
      `${bytes(r.rawPeak)} (${bytes(r.rawIdle)})`,
    ]),
  );
}

export function renderSlowClientMemory(rows: MemoryCaseDetail[], bytes: (n: number | undefined) => string): string {
  const mib = (n: number): string => String(Math.round(n / 2 ** 20));
  return table(
    ['memory case (fresh bridge)', 'idle', '1M rows full speed: peak (rate)', 'slow client: rows read, time, status, rate', 'slow client peak', 'RSS per tenth of the slow run (MiB)'],
    rows.map((r) => [
      r.db,
      bytes(r.idle),
      `${bytes(r.fullPeak)} (${fmtRate(r.fullRate)} rows/s)`,
      `${r.slowRows.toLocaleString('en-US')}, ${r.slowSeconds.toFixed(0)} s, ${r.slowStatus}, ${fmtRate(r.slowRate)} rows/s`,
      // PSS counts pages shared by the supervisor and a worker child (two Node runtimes) once; same as RSS for threads.
      r.slowPeakPss === r.slowPeak ? bytes(r.slowPeak) : `${bytes(r.slowPeak)} (PSS ${bytes(r.slowPeakPss)})`,
      r.curve.map(mib).join(' '),
    ]),
  );
}

export function renderConcurrency(d: ConcurrencyDetail): string {
  return table(
    ['sessions', 'rows (all verified)', 'wall time', 'bridge total', 'raw, same 20 streams at once in one process', 'health.ping p50 / p99 / max', 'pings (lost)'],
    [[
      String(d.sessions),
      d.rows.toLocaleString('en-US'),
      `${d.seconds.toFixed(1)} s`,
      `${fmtRate(d.rows / d.seconds)} rows/s`,
      `${fmtRate(d.rawRate)} rows/s`,
      `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(1)} ms`,
      `${d.pings} (${d.lostPings})`,
    ]],
  );
}
