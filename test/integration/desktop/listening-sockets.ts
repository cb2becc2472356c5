/**
 * Which TCP sockets a process (and its children) listens on, read from /proc as `ss -ltnp` does: the socket inodes
 * among the process's open files, matched against the LISTEN entries of /proc/<pid>/net/tcp and tcp6. Linux only.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/** `host:port` (hex as the kernel writes it) of each listening TCP socket the processes hold. */
export function listeningTcpSockets(pids: readonly number[]): string[] {
  const found: string[] = [];
  for (const pid of pids) {
    const inodes = socketInodes(pid);
    for (const table of ['tcp', 'tcp6']) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10) continue;
        const [, local, , state, , , , , , inode] = fields;
        if (state === LISTEN && inodes.has(inode!)) found.push(`${table} ${local}`);
      }
    }
  }
  return found;
}

/** The process and all its descendants (process-isolated connection workers are children of the supervisor). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${all[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${all[i]}/task/${task}/children`, 'utf8').trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return all;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}
