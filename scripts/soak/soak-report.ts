/** The soak's progress line while it runs and its summary table at the end (also as JSON, for the CI test). */
import { writeFileSync } from 'node:fs';
import { mib, type Snapshot } from './quiet-point.js';
import type { SoakOptions } from './soak-context.js';
import type { SoakStats, Violation } from './soak-stats.js';

export interface Measures {
  start: Snapshot;
  baseline?: Snapshot;
  end?: Snapshot;
  peakRss: number;
}

const formatCount = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const clock = (sec: number): string => `${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(Math.floor(sec % 60)).padStart(2, '0')}`;

export function progressLine(options: SoakOptions, stats: SoakStats, phase: string, rss: number, fds: number): string {
  const elapsed = (Date.now() - stats.startedAt) / 1000;
  return (
    `soak ${clock(elapsed)}/${clock(options.minutes * 60)} ${phase} · runs ${formatCount(stats.runs)} · rows ${formatCount(stats.rows)} · ` +
    `cancels ${stats.cancels} · faults ${stats.total(stats.faults)} · jobs ${stats.total(stats.jobs)} · violations ${stats.violations.length} · ` +
    `rss ${mib(rss)} · fds ${fds}`
  );
}

export interface SummaryData {
  seed: number;
  minutes: number;
  streamRows: number;
  clients: string;
  phases: number;
  runs: number;
  rows: number;
  cancels: number;
  disconnects: number;
  sessionsOpened: number;
  refusedByCrash: number;
  collateralOfCancelKill: number;
  actions: Record<string, number>;
  faults: Record<string, number>;
  jobs: Record<string, number>;
  violations: Violation[];
  rss: { start: number; baseline?: number; end?: number; peak: number };
  fds: { start: number; baseline?: number; end?: number };
  workers: { start: number; end?: number };
  sessions: { start: number; end?: number };
  serverConnections: { start: number; end?: number };
  exitCode: number | null;
}

export function summaryData(options: SoakOptions, stats: SoakStats, measures: Measures, clients: string, exitCode: number | null): SummaryData {
  return {
    seed: options.seed,
    minutes: options.minutes,
    streamRows: options.streamRows,
    clients,
    phases: stats.phases,
    runs: stats.runs,
    rows: stats.rows,
    cancels: stats.cancels,
    disconnects: stats.disconnects,
    sessionsOpened: stats.sessionsOpened,
    refusedByCrash: stats.refusedByCrash,
    collateralOfCancelKill: stats.collateralOfCancelKill,
    actions: Object.fromEntries(stats.actions),
    faults: Object.fromEntries(stats.faults),
    jobs: Object.fromEntries(stats.jobs),
    violations: stats.violations,
    rss: { start: measures.start.rss, baseline: measures.baseline?.rss, end: measures.end?.rss, peak: measures.peakRss },
    fds: { start: measures.start.fds, baseline: measures.baseline?.fds, end: measures.end?.fds },
    workers: { start: measures.start.workers, end: measures.end?.workers },
    sessions: { start: measures.start.sessions, end: measures.end?.sessions },
    serverConnections: { start: measures.start.serverConnections, end: measures.end?.serverConnections },
    exitCode,
  };
}

export function summaryTable(data: SummaryData): string {
  const rows: Array<[string, string]> = [
    ['seed', String(data.seed)],
    ['duration', `${data.minutes} min, ${data.phases} phases`],
    ['clients', data.clients],
    ['runs', String(data.runs)],
    ['rows checked', String(data.rows)],
    ['cancels', String(data.cancels)],
    ['client disconnects', String(data.disconnects)],
    ['sessions opened', String(data.sessionsOpened)],
    ['requests refused by a worker being killed', String(data.refusedByCrash)],
    ['runs ended by a cancel that killed their worker', String(data.collateralOfCancelKill)],
    ...Object.entries(data.actions).map(([name, n]): [string, string] => [`action: ${name}`, String(n)]),
    ...Object.entries(data.faults).map(([name, n]): [string, string] => [`fault: ${name}`, String(n)]),
    ...Object.entries(data.jobs).map(([name, n]): [string, string] => [`job: ${name}`, String(n)]),
    ['invariant violations', String(data.violations.length)],
    ['RSS start / baseline / end / peak', [data.rss.start, data.rss.baseline, data.rss.end, data.rss.peak].map((v) => (v === undefined ? '–' : mib(v))).join(' / ')],
    ['handles (fds) start / baseline / end', [data.fds.start, data.fds.baseline, data.fds.end].map((v) => v ?? '–').join(' / ')],
    ['workers start / end', `${data.workers.start} / ${data.workers.end ?? '–'}`],
    ['sessions start / end', `${data.sessions.start} / ${data.sessions.end ?? '–'}`],
    ['server connections start / end', `${data.serverConnections.start} / ${data.serverConnections.end ?? '–'}`],
    ['bridge exit code (SIGTERM)', String(data.exitCode)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value} |`);
  return [`| ${'soak summary'.padEnd(width)} | |`, `|${'-'.repeat(width + 2)}|---|`, ...lines].join('\n');
}

export function writeSummaryJson(path: string, data: SummaryData): void {
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
