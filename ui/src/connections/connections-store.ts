/**
 * Saved connections and their live worker status (`connector.status`, docs/api.md). Reloaded whenever the bridge
 * link (re)opens; the status of a connection nobody has used yet is 'idle'.
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
  if (bridge.state.get().kind === 'open') void reloadConnections();
});

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
