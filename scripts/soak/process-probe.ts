/**
 * What Linux's /proc tells about the supervisor: resident memory, open file descriptors and child processes (its
 * process-isolated workers and the native tools of running jobs). Read from outside, so the numbers do not depend on
 * the bridge reporting itself correctly.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return kib * 1024;
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export interface ChildProcessInfo {
  pid: number;
  /** The process state letter of /proc/<pid>/stat: R, S, D, Z (a zombie nobody reaped)… */
  state: string;
  command: string;
}

export function childProcesses(pid: number): ChildProcessInfo[] {
  const pids = new Set<number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    for (const word of text.split(/\s+/)) if (word) pids.add(Number(word));
  }
  const children: ChildProcessInfo[] = [];
  for (const child of pids) {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      const command = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(-2).join(' ');
      children.push({ pid: child, state, command });
    } catch {
      // it exited between the two reads
    }
  }
  return children;
}
