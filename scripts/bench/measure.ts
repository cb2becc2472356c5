/**
 * Measuring helpers: medians, process memory high-water marks from /proc, and a forced GC so one phase's garbage
 * does not inflate the next phase's peak.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and the spread (min..max), for a report that shows how noisy the machine was. */
export function summarize(values: number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function statusField(pid: number | 'self', field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM), or undefined off Linux. */
export function peakRss(pid: number | 'self'): number | undefined {
  return statusField(pid, 'VmHWM');
}

export function currentRss(pid: number | 'self'): number | undefined {
  return statusField(pid, 'VmRSS');
}

/** CPU time (user + system, all threads) a process has used so far, in ms, from /proc/PID/stat; 0 once it is gone. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/**
 * Proportional set size in bytes: RSS with each shared page divided among the processes sharing it, so the sum over
 * the supervisor and a worker child (two Node runtimes mapping the same binary and libraries) is not inflated.
 */
export function currentPss(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resets a process's VmHWM to its current RSS (Linux ≥ 4.0: writing 5 to clear_refs), so a peak read later belongs
 * to the phase in between. Only works on our own processes; returns false where it cannot.
 */
export function resetPeakRss(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Direct children of a process (a process-isolated worker is one; thread workers live inside the supervisor). */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) pids.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // not Linux, or the process is gone
  }
  return pids;
}

let gcFn: (() => void) | undefined;
/** A full GC without requiring --expose-gc on the command line (`npm run bench` passes no node flags). */
export function collectGarbage(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

export function formatBytes(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${Math.round(bytes / (1024 * 1024))} MiB`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
