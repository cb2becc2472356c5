/**
 * The recorded backups of each connection (`backup.list`, docs/api.md), loaded when a connection's backups screen
 * opens and again whenever a backup or restore job ends (`backup.done`) — a scheduled run adds backups too, and
 * retention removes old ones.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { BackupMetadata } from '../../../protocol/backup.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { Store } from '../bridge/store.js';

export type BackupsEntry = { kind: 'loading' } | { kind: 'ready'; backups: BackupMetadata[] } | { kind: 'failed'; message: string };

export const backupsByConnection = new Store<Record<string, BackupsEntry>>({});

bridge.client.on('backup.done', ({ kind }) => {
  if (kind === 'export') return;
  for (const connectionId of Object.keys(backupsByConnection.get())) void reloadBackups(connectionId);
});

export async function reloadBackups(connectionId: string): Promise<void> {
  const set = (entry: BackupsEntry) => backupsByConnection.update((all) => ({ ...all, [connectionId]: entry }));
  if (!backupsByConnection.get()[connectionId]) set({ kind: 'loading' });
  try {
    set({ kind: 'ready', backups: await bridge.client.call('backup.list', { connectionId }) });
  } catch (error) {
    set({ kind: 'failed', message: describeError(error) });
  }
}

/** The connection's backups, loaded when first asked for (and after the bridge link reopens). */
export function useBackups(connectionId: string | null): BackupsEntry | undefined {
  const all = useSyncExternalStore(backupsByConnection.subscribe, backupsByConnection.get);
  const epoch = useSyncExternalStore(bridge.state.subscribe, () => {
    const state = bridge.state.get();
    return state.kind === 'open' ? state.epoch : 0;
  });
  useEffect(() => {
    if (connectionId && epoch > 0) void reloadBackups(connectionId);
  }, [connectionId, epoch]);
  return connectionId ? all[connectionId] : undefined;
}
