/**
 * The built bridge (dist/) with a WebSocket client, for the backup/restore/export/schedule tests, and small helpers to
 * wait for a job's end and to snapshot a database's contents for comparison by query.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupDoneEvent, BackupProgressEvent } from '../../../protocol/index.js';
import { REPO_ROOT, startBridgeProcess, type BridgeProcess, type StartBridgeOptions } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';

export const BUILT = existsSync(join(REPO_ROOT, 'dist/supervisor/main.js'));

export interface JobBridge {
  bridge: BridgeProcess;
  client: TestClient;
  stop(opts?: { keepDataDir?: boolean }): Promise<void>;
}

export async function startJobBridge(opts: StartBridgeOptions = {}): Promise<JobBridge> {
  const bridge = await startBridgeProcess({ fromDist: true, ...opts, args: ['--no-sample', '--no-ui', '--enable-debug', ...(opts.args ?? [])] });
  const client = await connectWs(bridge.ready.url, bridge.token);
  return {
    bridge,
    client,
    async stop(stopOpts) {
      await client.close().catch(() => undefined);
      await bridge.stop(stopOpts);
    },
  };
}

/** Waits for the job's backup.done. */
export function jobDone(client: TestClient, jobId: string, timeoutMs = 60_000): Promise<BackupDoneEvent> {
  return client.waitFor<BackupDoneEvent>('backup.done', (e) => e.jobId === jobId, timeoutMs);
}

/** Every backup.progress of a job received so far. */
export function progressOf(client: TestClient, jobId: string): number[] {
  return client.messages
    .filter((m): m is { method: string; params: BackupProgressEvent } => (m as { method?: string }).method === 'backup.progress')
    .filter((m) => m.params.jobId === jobId)
    .map((m) => m.params.percent);
}

export function expectNonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}
