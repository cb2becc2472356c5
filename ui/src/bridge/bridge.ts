/**
 * The page's single bridge connection and the hooks the features use to reach it. Nothing else in ui/ opens a
 * socket: features call `bridge.client.call(…)` and subscribe with `bridge.client.on(…)`.
 */
import { useSyncExternalStore } from 'react';
import { BridgeConnection, type LinkState } from './bridge-connection.js';
import { MessagePortLink } from './message-port-link.js';
import { takeToken } from './token.js';

/** In the desktop app a MessagePort from its preload (message-port-link.ts), in a browser the WebSocket. */
export const bridge = window.dbvDesktop ? new MessagePortLink(window.dbvDesktop) : new BridgeConnection(takeToken());

export function useLinkState(): LinkState {
  return useSyncExternalStore(bridge.state.subscribe, bridge.state.get);
}

/** The current connection epoch, or 0 while not connected. */
export function currentEpoch(): number {
  const state = bridge.state.get();
  return state.kind === 'open' ? state.epoch : 0;
}

/** Resolves once the link is open (immediately when it already is). */
export function whenOpen(): Promise<number> {
  const epoch = currentEpoch();
  if (epoch > 0) return Promise.resolve(epoch);
  return new Promise((resolve) => {
    const off = bridge.state.subscribe(() => {
      const next = currentEpoch();
      if (next > 0) {
        off();
        resolve(next);
      }
    });
  });
}

/** A message for any error a call can reject with: a BridgeError shows its code. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return `${error.code}: ${(error as unknown as Error).message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
