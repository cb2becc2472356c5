/**
 * Every fault the `faulty` connector can inject, with the script that injects it and what the bridge must make of it:
 * the contract test/fault/faulty-modes.test.ts checks in both isolations, and the menu the soak harness draws its
 * random faults from (scripts/soak/). docs/reliability.md explains each.
 */
import type { ErrorCode, RunStatus, WorkerIsolation } from '../../../protocol/index.js';

export interface FaultyMode {
  /** A stable name, for tables and logs. */
  name: string;
  /** The `query.run` sql on a `faulty` connection (faulty-commands.ts). */
  sql: string;
  /** Where the fault can be contained: `abort` and `segv` end a whole process, so never in a thread. */
  isolations: readonly WorkerIsolation[];
  /** The client must cancel the run for it to end (`hang` waits forever otherwise). */
  needsCancel: boolean;
  /** How the run ends (its query.done status), and the code of its query.error when it fails. */
  status: RunStatus;
  code?: ErrorCode;
  /** The worker dies and is restarted: the connection goes restarting → ready. */
  workerDies: boolean;
}

const BOTH: readonly WorkerIsolation[] = ['thread', 'process'];
const PROCESS_ONLY: readonly WorkerIsolation[] = ['process'];

export const FAULTY_MODES: readonly FaultyMode[] = [
  { name: 'registry error', sql: 'rows 3; throw DB_TIMEOUT', isolations: BOTH, needsCancel: false, status: 'error', code: 'DB_TIMEOUT', workerDies: false },
  { name: 'driver error', sql: 'throw 42P01', isolations: BOTH, needsCancel: false, status: 'error', code: 'QUERY_FAILED', workerDies: false },
  { name: 'hang', sql: 'hang', isolations: BOTH, needsCancel: true, status: 'cancelled', workerDies: false },
  { name: 'leak', sql: 'leak 16', isolations: BOTH, needsCancel: false, status: 'success', workerDies: false },
  { name: 'short block', sql: 'block 1000', isolations: BOTH, needsCancel: false, status: 'success', workerDies: false },
  { name: 'malformed batch', sql: 'malformed', isolations: BOTH, needsCancel: false, status: 'error', code: 'INTERNAL', workerDies: false },
  { name: 'oversized batch', sql: 'huge 24', isolations: BOTH, needsCancel: false, status: 'success', workerDies: false },
  { name: 'close never answers', sql: 'noclose', isolations: BOTH, needsCancel: false, status: 'success', workerDies: false },
  { name: 'exit', sql: 'rows 3; exit', isolations: BOTH, needsCancel: false, status: 'error', code: 'WORKER_CRASHED', workerDies: true },
  { name: 'out of memory', sql: 'oom', isolations: BOTH, needsCancel: false, status: 'error', code: 'WORKER_CRASHED', workerDies: true },
  { name: 'blocked event loop', sql: 'block', isolations: BOTH, needsCancel: false, status: 'error', code: 'WORKER_CRASHED', workerDies: true },
  { name: 'SIGABRT', sql: 'rows 3; abort', isolations: PROCESS_ONLY, needsCancel: false, status: 'error', code: 'WORKER_CRASHED', workerDies: true },
  { name: 'SIGSEGV', sql: 'segv', isolations: PROCESS_ONLY, needsCancel: false, status: 'error', code: 'WORKER_CRASHED', workerDies: true },
];
