/**
 * The piscina pool that runs backup, restore and export tasks off the supervisor's event loop (min 0 threads, an
 * idle timeout, at most the job concurrency). One task per job; its MessagePort carries progress and the cancel.
 *
 * Cancel: the task's own AbortSignal kills its tool (piscina's abort would only end the thread, leaving pg_dump
 * running). If the task does not end within a grace period, piscina's abort ends the thread and the last reported
 * tool pid gets SIGKILL.
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { SupervisorMessage, TaskInput, TaskMessage, TaskOutcome } from '../../workers/channel/backup-task-types.js';

const fromSource = import.meta.url.endsWith('.ts');
const TASK_URL = new URL(`../../workers/backup/backup-task.${fromSource ? 'ts' : 'js'}`, import.meta.url);
const CANCEL_GRACE_MS = 5000;
const BACKUP_THREAD_YOUNG_GEN_MB = 48;

export type TaskWithoutPort = TaskInput extends infer T ? (T extends TaskInput ? Omit<T, 'port'> : never) : never;

export class BackupPool {
  readonly #pool: Piscina;
  /** Tool processes running now, by job: shown in debug.dumpState, killed if a task will not stop. */
  readonly toolPids = new Map<string, number>();

  constructor(maxThreads: number, idleTimeoutMs = 30_000) {
    this.#pool = new Piscina({
      // From source (tests through tsx) the thread first registers tsx (see backup-task-boot.mjs).
      filename: fromSource ? new URL('./backup-task-boot.mjs', import.meta.url).href : TASK_URL.href,
      workerData: { entry: TASK_URL.href },
      minThreads: 0,
      maxThreads: Math.max(1, maxThreads),
      idleTimeout: idleTimeoutMs,
      // The supervisor's 4 MB semi-space (supervisor/node-flags.ts) would apply to these threads too; an export builds
      // ~60 MB of short-lived strings per million rows, so its threads get a normal young generation.
      resourceLimits: { maxYoungGenerationSizeMb: BACKUP_THREAD_YOUNG_GEN_MB },
    });
  }

  async run(task: TaskWithoutPort, signal: AbortSignal, onMessage: (message: TaskMessage) => void): Promise<TaskOutcome> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (message: TaskMessage) => {
      if (message.type === 'spawned') this.toolPids.set(task.jobId, message.pid);
      else if (message.type === 'exited') this.toolPids.delete(task.jobId);
      onMessage(message);
    });
    const hardAbort = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      port1.postMessage({ type: 'cancel' } satisfies SupervisorMessage);
      graceTimer = setTimeout(() => {
        const pid = this.toolPids.get(task.jobId);
        if (pid !== undefined) killQuietly(pid);
        hardAbort.abort();
      }, CANCEL_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.#pool.run({ ...task, port: port2 }, { transferList: [port2], signal: hardAbort.signal })) as TaskOutcome;
    } catch (error) {
      if (hardAbort.signal.aborted) return { ok: false, error: { code: 'QUERY_CANCELLED', message: 'the job was cancelled' } };
      throw error;
    } finally {
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onAbort);
      this.toolPids.delete(task.jobId);
      port1.close();
    }
  }

  threads(): number {
    return this.#pool.threads.length;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
