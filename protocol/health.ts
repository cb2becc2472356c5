import { z } from 'zod';
import { defineEvent, defineMethod } from './descriptor.js';

export interface PingResult {
  uptime: number;
  version: string;
  pid: number;
}

/** Support snapshot. Never holds a secret: built from explicit fields, never by spreading a config. */
export interface DebugState {
  pid: number;
  version: string;
  uptimeSec: number;
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number };
  clients: Array<{ id: string; transport: string; sessions: number; bufferedBytes: number }>;
  workers: Array<{ connectionId: string; type: string; isolation: 'thread' | 'process'; status: string; pid?: number; threadId?: number; restarts: number }>;
  sessions: Array<{ sessionId: string; connectionId: string; clientId: string; state: string; runId?: string }>;
  jobs: unknown[];
  schedules: unknown[];
  /** `total`/`idle`/`waiting`: the connection's small pool; `sessions`: the sessions' own connections, outside it. */
  pools: Array<{ connectionId: string; total?: number; idle?: number; waiting?: number; sessions?: number }>;
}

export type ConnectorStatus = 'starting' | 'ready' | 'restarting' | 'crashed' | 'closed';

export interface ConnectorStatusEvent {
  connectionId: string;
  status: ConnectorStatus;
  reason?: string;
}

export const healthMethods = {
  ping: defineMethod<PingResult>()('health.ping', z.object({}), []),
  dumpState: defineMethod<DebugState>()('debug.dumpState', z.object({}), []),
};

export const connectorEvents = {
  status: defineEvent<ConnectorStatusEvent>()('connector.status', 'all'),
};
