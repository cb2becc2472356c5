/**
 * The quiet point that ends each phase: every client has finished its action and closed its sessions, so the bridge
 * must be back where it was — no session, no session connection in any pool, no live job, no statement still running
 * on a database server, no child process that is not a live worker, and memory and file handles within a tolerance
 * of the baseline.
 *
 * Memory is judged by scripts/soak/memory-invariant.ts (ceilings here, the trend at the end of the soak).
 * Tolerance for file descriptors — the logger's rolling file, SQLite's WAL/shm files and the
 * idle connections the pools keep may come and go by a few; a leak of one socket per action passes 16 within a phase.
 * The baseline is taken at the first quiet point, which comes only after every action and every fault kind ran once
 * (scripts/soak/soak-runner.ts, openingsOf): pools, workers, caches and JIT are warm. The
 * values at the start, before any load, are reported too.
 */
import type { DebugState } from '../../protocol/index.js';
import { checkMemoryCeilings } from './memory-invariant.js';
import { childProcesses, openFds, rssBytes } from './process-probe.js';
import type { Soak } from './soak-context.js';

export const FD_TOLERANCE = 16;
/** How long a quiet point waits for the bridge to settle (a cancelled statement to end, a worker to restart). */
const SETTLE_MS = 30_000;
/** Each pg/mysql connection's pool keeps at most this many connections (docs/api.md, extra.poolSize default). */
const POOL_SIZE = 4;

export interface Snapshot {
  rss: number;
  fds: number;
  /** Workers that are running (ready). */
  workers: number;
  sessions: number;
  /** Connections to the soak's databases that the servers see. */
  serverConnections: number;
  /** The supervisor's live main V8 heap (debug.dumpState after a full GC): tells a leak in its own JavaScript from growth elsewhere. */
  heapUsed: number;
}

/** `fdBaseline`: the first quiet point with the most live workers (soak-runner.ts); `baseline`: the first one. */
export async function quietPoint(soak: Soak, expectedClients: number, baseline: Snapshot | undefined, fdBaseline: Snapshot | undefined): Promise<Snapshot> {
  const pid = soak.bridge.pid;
  const deadline = Date.now() + SETTLE_MS;
  let problems: string[] = [];
  let state: DebugState;
  let serverConnections = 0;
  for (;;) {
    // After a full GC: the heap the memory rule judges is the live one, not garbage not yet collected.
    state = await soak.admin.bridge.call('debug.dumpState', { collectGarbage: true });
    if (!state.memory.afterGc) throw new Error('debug.dumpState could not collect garbage: the bridge must run with --expose-gc');
    problems = [];
    if (state.sessions.length > 0) problems.push(`sessions: ${state.sessions.length} still open (${state.sessions.map((s) => `${s.sessionId} ${s.state}`).join(', ')})`);
    for (const pool of state.pools) {
      if ((pool.sessions ?? 0) > 0) problems.push(`pool clients: ${pool.connectionId} still holds ${pool.sessions} session connections`);
      if ((pool.waiting ?? 0) > 0) problems.push(`pool clients: ${pool.waiting} waiting in ${pool.connectionId}'s pool`);
      if ((pool.total ?? 0) > POOL_SIZE + 1) problems.push(`pool clients: ${pool.connectionId}'s pool holds ${pool.total}`);
    }
    if (state.jobs.length > 0) problems.push(`jobs: ${state.jobs.length} still live ${JSON.stringify(state.jobs)}`);
    if (soak.openJobs.size > 0) problems.push(`jobs: no final state yet for ${[...soak.openJobs.entries()].map(([id, what]) => `${id} (${what})`).join(', ')}`);
    if (state.clients.length !== expectedClients) problems.push(`clients: ${state.clients.length} connected, expected ${expectedClients}`);
    const unsettled = state.workers.filter((w) => w.status === 'starting' || w.status === 'restarting' || w.status === 'closing');
    if (unsettled.length > 0) problems.push(`workers: ${unsettled.map((w) => `${w.connectionId} ${w.status}`).join(', ')}`);
    const workerPids = new Set(state.workers.map((w) => w.pid).filter((p) => p !== undefined));
    for (const child of childProcesses(pid)) {
      if (child.state === 'Z') problems.push(`processes: zombie child ${child.pid} (${child.command})`);
      else if (!workerPids.has(child.pid)) problems.push(`processes: child ${child.pid} (${child.command}) is no live worker`);
    }
    serverConnections = 0;
    for (const engine of ['postgres', 'mysql'] as const) {
      const activity = await soak.databases.activity(engine);
      serverConnections += activity.connections;
      if (activity.active > 0) problems.push(`${engine} server: ${activity.active} statements still running: ${activity.statements.join(' | ')}`);
      const pools = [...soak.connections.keys()].filter((key) => key.startsWith(engine === 'postgres' ? 'pg' : 'my')).length;
      if (activity.connections > pools * POOL_SIZE) problems.push(`${engine} server: ${activity.connections} connections to the soak's databases, more than ${pools} pools of ${POOL_SIZE}`);
    }
    if (problems.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const problem of problems) soak.report('back to baseline at a quiet point', problem);

  const snapshot: Snapshot = {
    rss: rssBytes(pid),
    fds: openFds(pid),
    workers: state.workers.filter((w) => w.status === 'ready').length,
    sessions: state.sessions.length,
    serverConnections,
    heapUsed: state.memory.heapUsed,
  };
  if (baseline) {
    checkMemoryCeilings(soak, snapshot, baseline);
  }
  // More live workers than at the handles' baseline hold more handles (pipes, pool sockets): compared like with like.
  if (fdBaseline && snapshot.workers <= fdBaseline.workers) {
    if (snapshot.fds > fdBaseline.fds + FD_TOLERANCE) soak.report('file handles back to baseline', `supervisor has ${snapshot.fds} open fds at a quiet point, baseline ${fdBaseline.fds} (+${FD_TOLERANCE} allowed)`);
  }
  return snapshot;
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
