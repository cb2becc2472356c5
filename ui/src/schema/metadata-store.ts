/**
 * Schema metadata per connection (`metadata.listSchemas`), fetched on demand and cached until refreshed. The schema
 * browser and the editor's completion both read it.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { SchemaMetadata } from '../../../protocol/metadata.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { Store } from '../bridge/store.js';

export type MetadataEntry = { kind: 'loading' } | { kind: 'ready'; metadata: SchemaMetadata; loadedAt: number } | { kind: 'failed'; message: string };

export const metadataByConnection = new Store<Record<string, MetadataEntry>>({});
/** The latest request per connection: an older one that ends later (failed by a config change) must not overwrite it. */
const inFlight = new Map<string, Promise<void>>();

export function loadMetadata(connectionId: string, force = false): Promise<void> {
  const existing = metadataByConnection.get()[connectionId];
  if (!force && existing && existing.kind !== 'failed') return inFlight.get(connectionId) ?? Promise.resolve();
  const set = (entry: MetadataEntry) => metadataByConnection.update((all) => ({ ...all, [connectionId]: entry }));
  if (!existing || existing.kind !== 'ready') set({ kind: 'loading' });
  // The callbacks run after `request` is assigned: each compares it with the connection's latest request.
  const isLatest = () => inFlight.get(connectionId) === request;
  const setIfLatest = (entry: MetadataEntry) => {
    if (isLatest()) set(entry);
  };
  const request: Promise<void> = bridge.client
    .call('metadata.listSchemas', { connectionId })
    .then(
      (metadata) => setIfLatest({ kind: 'ready', metadata, loadedAt: Date.now() }),
      (error: unknown) => setIfLatest({ kind: 'failed', message: describeError(error) }),
    )
    .finally(() => {
      if (isLatest()) inFlight.delete(connectionId);
    });
  inFlight.set(connectionId, request);
  return request;
}

/**
 * A saved connection's config changed (connection.update): the bridge stopped its worker — failing a metadata load
 * under way — and the config may now name another database. Metadata already shown or asked for is loaded afresh.
 */
export function connectionUpdated(connectionId: string): void {
  if (metadataByConnection.get()[connectionId]) void loadMetadata(connectionId, true);
}

/** The metadata of a connection, loading it when first asked for. */
export function useMetadata(connectionId: string | null): MetadataEntry | undefined {
  const all = useSyncExternalStore(metadataByConnection.subscribe, metadataByConnection.get);
  const linkOpen = useSyncExternalStore(bridge.state.subscribe, () => bridge.state.get().kind === 'open');
  useEffect(() => {
    if (connectionId && linkOpen) void loadMetadata(connectionId);
  }, [connectionId, linkOpen]);
  return connectionId ? all[connectionId] : undefined;
}
