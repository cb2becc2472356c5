/**
 * How many query sessions one connection may hold at once. Each session has its own database connection (outside
 * the small pool that metadata, tests and cancels share), so an editor never waits for another to finish; past the
 * limit the answer is SESSION_LIMIT at once, never a wait that ends in a timeout (docs/api.md, "Error codes").
 */
import { sessionLimitError } from '../../protocol/errors.js';
import type { ConnectionConfig } from '../../protocol/index.js';

export const DEFAULT_MAX_SESSIONS = 32;

export function maxSessionsOf(config: ConnectionConfig): number {
  return config.extra?.maxSessions ?? DEFAULT_MAX_SESSIONS;
}

/** Throws SESSION_LIMIT when `taken` sessions (open, or opening) already fill the connection's limit. */
export function claimSessionSlot(taken: number, maxSessions: number): void {
  if (taken >= maxSessions) throw sessionLimitError(maxSessions);
}
