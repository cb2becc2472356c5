/**
 * The jobs started from the backups screen in this page, so their progress bars stay in view (with their final
 * status) until dismissed, even after they finished or the screen was left and reopened.
 */
import { useSyncExternalStore } from 'react';
import { Store } from '../bridge/store.js';

const started = new Store<string[]>([]);

export function rememberJob(jobId: string): void {
  started.update((ids) => [jobId, ...ids.filter((id) => id !== jobId)]);
}

export function dismissJob(jobId: string): void {
  started.update((ids) => ids.filter((id) => id !== jobId));
}

export function useStartedJobs(): string[] {
  return useSyncExternalStore(started.subscribe, started.get);
}
