/**
 * Server-side cleanup after a connection worker died: its sessions' database connections may still be executing
 * (PostgreSQL goes on with `select pg_sleep(30)` after its client vanished; it only notices when it next writes).
 * The dead worker cannot stop them, and the restarted one may not come (a crash loop) or may be busy, so a short-lived
 * worker of the same connection is started for this alone: it gets the config through `init` like any worker (never
 * argv, environment or log), ends the given backends from a connection of its own (pg_terminate_backend, MySQL
 * KILL), and is stopped. docs/reliability.md, "Server-side cleanup".
 */
import type { ConnectionConfig, WorkerIsolation } from '../../protocol/index.js';
import type { WorkerInitOptions } from '../../workers/channel/worker-messages.js';
import { spawnConnectionWorker } from '../isolation/worker-host.js';

/** Longer than any connect timeout default (workers/connectors/network-config.ts) plus one statement. */
export const ORPHAN_CLEANUP_TIMEOUT_MS = 20_000;

export interface OrphanCleanup {
  config: ConnectionConfig;
  isolation: WorkerIsolation;
  backendIds: number[];
  /** For the worker's name in logs; never a secret. */
  connectionId: string;
  workerInit?: WorkerInitOptions;
  maxOldGenerationSizeMb?: number;
  timeoutMs?: number;
}

/** Resolves with how many backends the server ended; rejects with why it could not. Never leaves a worker behind. */
export async function endOrphanedBackends(cleanup: OrphanCleanup): Promise<number> {
  const worker = spawnConnectionWorker({
    isolation: cleanup.isolation,
    name: `cleanup:${cleanup.config.type}:${cleanup.connectionId}`,
    maxOldGenerationSizeMb: cleanup.maxOldGenerationSizeMb,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('orphan cleanup timed out')), cleanup.timeoutMs ?? ORPHAN_CLEANUP_TIMEOUT_MS);
  });
  try {
    const work = (async () => {
      await worker.api.init(cleanup.config, cleanup.workerInit);
      return worker.api.endOrphanedBackends(cleanup.backendIds);
    })();
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    await worker.stop(1_000);
  }
}
