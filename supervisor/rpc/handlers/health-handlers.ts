/** health.ping and debug.dumpState. The dump is built field by field from explicit values: never a config, never a secret. */
import { BridgeError, type DebugState } from '../../../protocol/index.js';
import type { ConnectionRegistry } from '../../actors/connection-registry.js';
import type { SessionRegistry } from '../../actors/session-registry.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { ClientRegistry } from '../client-registry.js';
import type { HandlerTable } from '../router.js';

export interface HealthHandlerDeps {
  version: string;
  startedAt: number;
  clients: ClientRegistry;
  connections: ConnectionRegistry;
  sessions: SessionRegistry;
  /**
   * Serve debug.dumpState (--enable-debug). Off by default: the dump tells any token holder which clients, sessions and
   * connections exist and what they do, which a production bridge need not reveal.
   */
  debug: boolean;
  jobs: Pick<JobSystem, 'debugState'>;
}

export function healthHandlers(deps: HealthHandlerDeps): HandlerTable {
  return {
    'health.ping': () => ({ uptime: (Date.now() - deps.startedAt) / 1000, version: deps.version, pid: process.pid }),

    'debug.dumpState': async ({ collectGarbage }): Promise<DebugState> => {
      if (!deps.debug) {
        throw new BridgeError('FORBIDDEN', 'debug.dumpState is served only when the bridge runs with --enable-debug (or DBV_ENABLE_DEBUG=1).', {
          reason: 'debug-disabled',
        });
      }
      // Only a bridge started with node's --expose-gc can collect on demand (the soak starts it so, to judge live memory).
      const gc = (globalThis as { gc?: () => void }).gc;
      const afterGc = collectGarbage === true && typeof gc === 'function';
      if (afterGc) gc();
      const memory = process.memoryUsage();
      const sessions = deps.sessions.all();
      const actors = deps.connections.all();
      const pools = await Promise.all(
        actors.map(async (actor) => {
          const active = actor.current();
          const stats = active ? await active.worker.api.poolStats().catch(() => ({})) : {};
          return { connectionId: actor.connectionId, ...stats };
        }),
      );
      return {
        pid: process.pid,
        version: deps.version,
        uptimeSec: Math.round((Date.now() - deps.startedAt) / 1000),
        memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, afterGc },
        clients: deps.clients.all().map((c) => ({
          id: c.id,
          transport: c.transport.kind,
          sessions: sessions.filter((s) => s.clientId === c.id).length,
          bufferedBytes: c.transport.bufferedBytes(),
        })),
        workers: actors.map((a) => a.debugInfo()),
        sessions: sessions.map((s) => ({
          sessionId: s.sessionId,
          connectionId: s.connectionId,
          clientId: s.clientId,
          state: s.state,
          ...(s.runId ? { runId: s.runId } : {}),
        })),
        ...deps.jobs.debugState(),
        pools,
      };
    },
  };
}
