/** Renders the results as Markdown tables, so the output can be pasted into docs/benchmarks.md as it is. */
import type { MemoryRow, ResultRow } from './bench-context.js';

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
