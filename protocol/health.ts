import { z } from 'zod';
import type { WorkerIsolation } from './connections.js';
import { defineEvent, defineMethod } from './descriptor.js';

export interface PingResult {
  uptime: number;
  version: string;
  pid: number;
}

/** A connection pool's occupancy as its driver reports it; a field the driver does not know is left out. */
/** `total`/`idle`/`waiting`: the connection's small pool (metadata, tests, cancels); `sessions`: the database
 * connections its query sessions hold outside that pool. */
export interface PoolStats {
  total?: number;
  idle?: number;
  waiting?: number;
  sessions?: number;
}

/** One connection's worker in debug.dumpState. */
export interface WorkerDebugInfo {
  connectionId: string;
  type: string;
  isolation: WorkerIsolation;
  status: string;
  pid?: number;
  threadId?: number;
  restarts: number;
}

/** Support snapshot. Never holds a secret: built from explicit fields, never by spreading a config. */
export interface DebugState {
  pid: number;
  version: string;
  uptimeSec: number;
  /** `afterGc`: a full garbage collection ran just before (asked for with `collectGarbage`, and possible). */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; afterGc: boolean };
  clients: Array<{ id: string; transport: string; sessions: number; bufferedBytes: number }>;
  workers: WorkerDebugInfo[];
  sessions: Array<{ sessionId: string; connectionId: string; clientId: string; state: string; runId?: string }>;
  jobs: unknown[];
  schedules: unknown[];
  pools: Array<{ connectionId: string } & PoolStats>;
}

export type ConnectorStatus = 'starting' | 'ready' | 'restarting' | 'crashed' | 'closed';

export interface ConnectorStatusEvent {
  connectionId: string;
  status: ConnectorStatus;
  reason?: string;
}

export const healthMethods = {
  ping: defineMethod<PingResult>()('health.ping', z.object({}), []),
  dumpState: defineMethod<DebugState>()('debug.dumpState', z.object({ collectGarbage: z.boolean().optional() }), ['collectGarbage']),
};

export const connectorMethods = {
  /** The last connector.status of every connection in use: what a client that (re)connects has missed. */
  statuses: defineMethod<ConnectorStatusEvent[]>()('connector.statuses', z.object({}), []),
};

export const connectorEvents = {
  status: defineEvent<ConnectorStatusEvent>()('connector.status', 'all'),
};
