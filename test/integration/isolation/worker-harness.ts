/** Starts real connection workers running the faulty connector, and records what they stream. */
import type { QueryResultEvent } from '../../../protocol/index.js';
import { spawnConnectionWorker } from '../../../supervisor/isolation/worker-host.js';
import type { WorkerIsolation } from '../../../protocol/index.js';
import type { SpawnWorkerOptions, WorkerExitInfo, WorkerHandle } from '../../../supervisor/isolation/worker-handle.js';
import type { WorkerStreamMessage } from '../../../workers/channel/worker-messages.js';

export const ISOLATIONS: WorkerIsolation[] = ['thread', 'process'];

export interface RecordedWorker {
  handle: WorkerHandle;
  messages: WorkerStreamMessage[];
  output: string[];
  exit: Promise<WorkerExitInfo>;
  batches(runId: string): QueryResultEvent[];
  ends(runId: string): Array<Extract<WorkerStreamMessage, { type: 'end' }>>;
  /** Resolves when `predicate` holds for what was streamed so far; rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

export async function startFaultyWorker(
  isolation: WorkerIsolation,
  extra: Record<string, number> = {},
  spawn: Partial<SpawnWorkerOptions> = {},
): Promise<RecordedWorker> {
  const output: string[] = [];
  const handle = spawnConnectionWorker({ isolation, name: `faulty-${isolation}`, onStderr: (line) => output.push(line), ...spawn });
  const messages: WorkerStreamMessage[] = [];
  const waiters = new Set<() => void>();
  handle.onStream((message) => {
    messages.push(message);
    for (const wake of waiters) wake();
  });
  const exit = new Promise<WorkerExitInfo>((resolve) => handle.onExit(resolve));
  await handle.api.init({ name: 'faulty test', type: 'faulty', extra }, { faultInjection: true });
  return {
    handle,
    messages,
    output,
    exit,
    batches: (runId) =>
      messages.flatMap((m) => (m.type === 'batch' && m.runId === runId ? [JSON.parse(m.json) as QueryResultEvent] : [])),
    ends: (runId) => messages.flatMap((m) => (m.type === 'end' && m.runId === runId ? [m] : [])),
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('timed out waiting for the worker stream'));
        }, timeoutMs);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
  };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
