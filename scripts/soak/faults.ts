/**
 * The faults the soak injects, as one table: each kind names where it can be injected and how, and what the run that
 * meets it must end with. To add a fault (a new `faulty` command, a server-side kill…), add a row here; the soak
 * draws among the rows by weight and counts each kind in its summary.
 *
 * Today's kinds use the `faulty` connector's commands (workers/connectors/faulty/faulty-commands.ts; the bridge runs
 * with --enable-fault-injection), SIGKILL of a process-isolated worker (its pid from debug.dumpState), and client
 * misbehaviour (a WebSocket dropped mid-stream, a client that stops reading).
 */
import { FAULTY_MODES, type FaultyMode } from '../../workers/connectors/faulty/faulty-modes.js';
import type { ClientSlot } from './client-slot.js';
import { seriesSql, type Engine } from './expected-data.js';
import { FaultyRowsCheck, runChecked, series, type RowCheck } from './run-checked.js';
import { engineOf, KILLABLE, QUERY_TARGETS, type ConnectionKey } from './soak-context.js';
import type { TransportKind } from './soak-client.js';

export interface FaultKind {
  name: string;
  weight: number;
  /** Where it can be injected: the connection it is injected on is drawn from these. */
  targets: readonly ConnectionKey[];
  /** The transports it needs (a client fault needs a WebSocket: the stdio client is the bridge's parent). */
  transports?: readonly TransportKind[];
  inject(slot: ClientSlot, target: ConnectionKey): Promise<void>;
}

const FAULTY: readonly ConnectionKey[] = ['faulty-thread', 'faulty-process'];
/** SIGABRT (and anything native) takes a whole process down: in a thread that would be the supervisor itself. */
const FAULTY_PROCESS: readonly ConnectionKey[] = ['faulty-process'];

/** Counts the rows of a result set whose content the fault decides (a `huge` row): only how many arrive is checked. */
class RowCountCheck implements RowCheck {
  received = 0;
  readonly firstProblem = undefined;
  constructor(readonly expectedCount: number) {}
  take(rows: readonly unknown[]): void {
    this.received += rows.length;
  }
}

/**
 * A fault kind straight from the `faulty` connector's contract (workers/connectors/faulty/faulty-modes.ts): its sql,
 * where it may be injected, how the run must end and whether the worker dies are the mode's, not re-stated here.
 * `sql` overrides the mode's script only to size it (a `huge` batch of a few MiB); `rows` is how many rows a run that
 * succeeds has (one result set).
 */
function faultyModeKind(modeName: string, weight: number, tweaks: { sql?: string; rows?: number } = {}): FaultKind {
  const mode: FaultyMode | undefined = FAULTY_MODES.find((m) => m.name === modeName);
  if (!mode) throw new Error(`no faulty mode named ${modeName} in workers/connectors/faulty/faulty-modes.ts`);
  const targets = FAULTY.filter((key) => mode.isolations.includes(key === 'faulty-thread' ? 'thread' : 'process'));
  return {
    name: `faulty: ${mode.name}`,
    weight,
    targets,
    async inject(slot, target) {
      await runChecked(slot, {
        key: target,
        label: `fault ${mode.name}`,
        sql: tweaks.sql ?? mode.sql,
        opts: {},
        checks: mode.status === 'success' ? [new RowCountCheck(tweaks.rows ?? 0)] : [],
        statuses: [mode.status],
        ...(mode.code ? { errorCodes: [mode.code] } : {}),
        ...(mode.needsCancel ? { during: cancelAfter(slot, slot.random.int(20, 500)) } : {}),
      });
      if (mode.workerDies) await recovers(slot, target);
    },
  };
}

export const FAULT_KINDS: readonly FaultKind[] = [
  {
    name: 'throw (registry code)',
    weight: 3,
    targets: FAULTY,
    async inject(slot, target) {
      const rows = slot.random.int(0, 2000);
      await runChecked(slot, { key: target, label: 'fault throw', sql: `rows ${rows}; throw QUERY_FAILED`, opts: { batchSize: 250 }, checks: [new FaultyRowsCheck(rows)], statuses: ['error'], errorCodes: ['QUERY_FAILED'] });
    },
  },
  {
    name: 'throw (driver error)',
    weight: 2,
    targets: FAULTY,
    async inject(slot, target) {
      await runChecked(slot, { key: target, label: 'fault driver error', sql: 'throw ECONNRESET', opts: {}, checks: [], statuses: ['error'] });
    },
  },
  {
    name: 'hang, then cancel',
    weight: 3,
    targets: FAULTY,
    async inject(slot, target) {
      const delayMs = slot.random.int(20, 500);
      await runChecked(slot, { key: target, label: 'fault hang', sql: 'hang', opts: {}, checks: [], statuses: ['cancelled'], during: cancelAfter(slot, delayMs) });
    },
  },
  {
    name: 'slow stream, then cancel',
    weight: 2,
    targets: FAULTY,
    async inject(slot, target) {
      const delayMs = slot.random.int(20, 1000);
      await runChecked(slot, { key: target, label: 'fault slow stream', sql: 'slow 100000 10', opts: { batchSize: 100 }, checks: [new FaultyRowsCheck(100_000)], statuses: ['cancelled'], during: cancelAfter(slot, delayMs) });
    },
  },
  {
    name: 'worker exit',
    weight: 3,
    targets: FAULTY,
    async inject(slot, target) {
      const rows = slot.random.int(0, 500);
      await runChecked(slot, { key: target, label: 'fault exit', sql: `rows ${rows}; exit`, opts: { batchSize: 100 }, checks: [new FaultyRowsCheck(rows)], statuses: ['error'], errorCodes: ['WORKER_CRASHED'] });
      await recovers(slot, target);
    },
  },
  {
    name: 'worker abort (SIGABRT)',
    weight: 2,
    targets: FAULTY_PROCESS,
    async inject(slot, target) {
      await runChecked(slot, { key: target, label: 'fault abort', sql: 'rows 10; abort', opts: { batchSize: 5 }, checks: [new FaultyRowsCheck(10)], statuses: ['error'], errorCodes: ['WORKER_CRASHED'] });
      await recovers(slot, target);
    },
  },
  {
    name: 'worker heap leak',
    weight: 1,
    // In a process, so the leak stays out of the supervisor's RSS; the next exit/abort/kill frees it.
    targets: FAULTY_PROCESS,
    async inject(slot, target) {
      const megabytes = slot.random.int(4, 32);
      await runChecked(slot, { key: target, label: 'fault leak', sql: `leak ${megabytes}`, opts: {}, checks: [{ take: () => undefined, received: 1, expectedCount: 1, firstProblem: undefined }], statuses: ['success'] });
    },
  },
  // The watchdog kills a worker whose event loop stops answering heartbeats (~3 s) and restarts it.
  faultyModeKind('blocked event loop', 1),
  // A thread worker's heap limit (resourceLimits) contains it; a process worker dies alone.
  faultyModeKind('out of memory', 1),
  faultyModeKind('SIGSEGV', 1),
  faultyModeKind('malformed batch', 2),
  // 8 MiB rather than the contract test's 24: big enough to be one oversized batch, small enough to run often.
  faultyModeKind('oversized batch', 2, { sql: 'huge 8', rows: 1 }),
  {
    name: 'worker SIGKILL mid-stream',
    weight: 3,
    targets: KILLABLE,
    async inject(slot, target) {
      const engine = engineOf(target) as Engine;
      const count = slot.soak.options.streamRows;
      const delayMs = slot.random.int(50, 1500);
      await runChecked(slot, {
        key: target,
        label: `fault SIGKILL after ${delayMs} ms`,
        sql: seriesSql(engine, count),
        opts: { batchSize: 1000, rowFormat: 'array' },
        checks: [series(count)],
        statuses: ['success'],
        async during(record) {
          await sleep(delayMs);
          if (record.done) return;
          const state = await slot.soak.admin.bridge.call('debug.dumpState', {});
          const worker = state.workers.find((w) => w.connectionId === slot.soak.connectionId(target));
          if (worker?.pid) process.kill(worker.pid, 'SIGKILL');
        },
      });
      await recovers(slot, target);
    },
  },
  {
    name: 'client disconnect mid-stream',
    weight: 3,
    targets: QUERY_TARGETS,
    transports: ['websocket'],
    async inject(slot, target) {
      const engine = engineOf(target) as Engine;
      const count = slot.soak.options.streamRows;
      const delayMs = slot.random.int(0, 1000);
      slot.soak.stats.disconnects++;
      await runChecked(slot, {
        key: target,
        label: `disconnect after ${delayMs} ms`,
        sql: seriesSql(engine, count),
        opts: { batchSize: 1000, rowFormat: 'array' },
        checks: [series(count)],
        statuses: ['success'],
        async during() {
          await sleep(delayMs);
          slot.client.disconnect();
        },
      });
      await slot.reconnect();
    },
  },
  {
    name: 'client stops reading',
    weight: 2,
    targets: QUERY_TARGETS,
    transports: ['websocket'],
    async inject(slot, target) {
      const engine = engineOf(target) as Engine;
      const count = Math.min(slot.soak.options.streamRows, 200_000);
      const delayMs = slot.random.int(0, 500);
      const pauseMs = slot.random.int(500, 3000);
      await runChecked(slot, {
        key: target,
        label: `reading paused ${pauseMs} ms`,
        sql: seriesSql(engine, count),
        opts: { batchSize: 500, rowFormat: 'array' },
        checks: [series(count)],
        statuses: ['success'],
        async during() {
          await sleep(delayMs);
          slot.client.pauseReading();
          await sleep(pauseMs);
          slot.client.resumeReading();
        },
      });
    },
  },
];

/** The 'fault' action: draws a kind this client can inject, and a target for it. */
export async function injectFault(slot: ClientSlot): Promise<void> {
  await injectFaultOf(slot, slot.random.weighted(faultKindsFor(slot.client.transport)));
}

export function faultKindsFor(transport: TransportKind): FaultKind[] {
  return FAULT_KINDS.filter((kind) => !kind.transports || kind.transports.includes(transport));
}

/** Injects one kind of fault, on a target drawn from its targets. */
export async function injectFaultOf(slot: ClientSlot, kind: FaultKind): Promise<void> {
  const target = slot.random.pick(kind.targets);
  slot.soak.stats.count(slot.soak.stats.faults, kind.name);
  await kind.inject(slot, target);
}

function cancelAfter(slot: ClientSlot, delayMs: number) {
  return async (record: { done?: unknown }, sessionId: string): Promise<void> => {
    await sleep(delayMs);
    if (record.done) return;
    slot.soak.stats.cancels++;
    await slot.client.bridge.call('query.cancel', { sessionId });
  };
}

/** After a crash the connection serves again: a small run on it succeeds (retried while the worker restarts). */
async function recovers(slot: ClientSlot, target: ConnectionKey): Promise<void> {
  const engine = engineOf(target);
  const sql = engine === 'faulty' ? 'rows 3' : seriesSql(engine, 3);
  const check = () => (engine === 'faulty' ? new FaultyRowsCheck(3) : series(3));
  for (let attempt = 1; ; attempt++) {
    const outcome = await runChecked(slot, { key: target, label: 'recovery after a crash', sql, opts: {}, checks: [check()], statuses: ['success'] });
    // A run that met the restart itself may still end WORKER_CRASHED; the worker must serve within a few tries.
    if (!outcome || outcome.status === 'success') return;
    if (attempt === 5) {
      slot.soak.report('connections recover after a crash', `${slot.name}: ${target} still fails after ${attempt} runs: ${outcome.error?.code}`);
      return;
    }
    await sleep(500);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
