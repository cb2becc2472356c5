/**
 * Saved connections and their live worker status (`connector.status`, docs/api.md). Both are reloaded whenever the
 * bridge link (re)opens — the statuses from `connector.statuses`, so a page opened or reloaded while a worker runs (or
 * after one crashed) shows it; the status of a connection nobody has used yet is 'idle'.
 */
import { useSyncExternalStore } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import type { ConnectorStatus } from '../../../protocol/health.js';
import { bridge } from '../bridge/bridge.js';
import { Store } from '../bridge/store.js';

export type LiveStatus = ConnectorStatus | 'idle';

export const connections = new Store<Connection[] | null>(null);
export const statuses = new Store<Record<string, { status: LiveStatus; reason?: string }>>({});
export const connectionsError = new Store<string | null>(null);

bridge.client.on('connector.status', ({ connectionId, status, reason }) => {
  statuses.update((all) => ({ ...all, [connectionId]: { status, reason } }));
});

bridge.state.subscribe(() => {
  if (bridge.state.get().kind !== 'open') return;
  void reloadConnections();
  void reloadStatuses();
});

/** Replaces every status with the bridge's snapshot; the events that arrive after its answer apply on top. */
async function reloadStatuses(): Promise<void> {
  try {
    const list = await bridge.client.call('connector.statuses', {});
    statuses.set(Object.fromEntries(list.map(({ connectionId, status, reason }) => [connectionId, { status, reason }])));
  } catch {
    // The link closed again: the next open reloads.
  }
}

export async function reloadConnections(): Promise<void> {
  try {
    const list = await bridge.client.call('connection.list', {});
    list.sort((a, b) => a.name.localeCompare(b.name));
    connections.set(list);
    connectionsError.set(null);
  } catch (error) {
    connectionsError.set(error instanceof Error ? error.message : String(error));
  }
}

export function useConnections(): Connection[] | null {
  return useSyncExternalStore(connections.subscribe, connections.get);
}

export function useStatuses(): Record<string, { status: LiveStatus; reason?: string }> {
  return useSyncExternalStore(statuses.subscribe, statuses.get);
}

export function connectionById(id: string | null | undefined): Connection | undefined {
  return id ? connections.get()?.find((c) => c.id === id) : undefined;
}

export const ENGINE_LABELS: Record<string, string> = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB', sqlite: 'SQLite', faulty: 'Faulty (test)' };
