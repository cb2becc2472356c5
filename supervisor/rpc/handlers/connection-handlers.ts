/**
 * connection.* — saved connections. The public part of a config goes to app.db, its secrets to the secret store;
 * a worker gets both joined only when it connects.
 */
import pLimit from 'p-limit';
import {
  BridgeError,
  type ConnectionConfig,
  type ConnectionTestResult,
} from '../../../protocol/index.js';
import type { WorkerApi, WorkerInitOptions } from '../../../workers/channel/worker-messages.js';
import { DEFAULT_ISOLATION } from '../../../workers/channel/isolation.js';
import type { ConnectionRegistry } from '../../actors/connection-registry.js';
import type { SessionRegistry } from '../../actors/session-registry.js';
import { spawnConnectionWorker } from '../../isolation/worker-host.js';
import type { ConnectionCredentials } from '../../secrets/connection-credentials.js';
import { splitSecrets, type PublicConfig } from '../../secrets/connection-secrets.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';
import { checkConfigRules } from './connection-config-rules.js';

export interface ConnectionHandlerDeps {
  repo: ConnectionsRepo;
  /** Every write of a connection: its row and its secrets as one step. */
  credentials: ConnectionCredentials;
  connections: ConnectionRegistry;
  sessions: SessionRegistry;
  faultInjection: boolean;
  /** Given to the init of every worker, the temporary ones of connection.test included. */
  workerInit: WorkerInitOptions;
}

export function connectionHandlers(deps: ConnectionHandlerDeps): HandlerTable {
  const { repo, credentials, connections, sessions } = deps;
  const rules = { faultInjection: deps.faultInjection };

  /** Drains a connection: its sessions end (their runs with query.done), then its worker stops. */
  const drain = async (connectionId: string): Promise<void> => {
    await sessions.closeWhere((s) => s.connectionId === connectionId);
    await connections.close(connectionId);
  };

  return {
    'connection.create': async ({ config }) => {
      checkConfigRules(config, rules);
      const { config: publicConfig, secrets } = splitSecrets(config);
      return credentials.create(publicConfig as PublicConfig, secrets);
    },

    'connection.list': () => repo.list(),

    // A connection without an actor (never used since the bridge started, or closed) has no status: it is idle.
    'connector.statuses': () => connections.all().flatMap((actor) => (actor.lastStatus ? [actor.lastStatus] : [])),

    'connection.get': ({ id }) => repo.get(id),

    'connection.update': async ({ id, config: patch }) => {
      const { config: publicPatch, secrets } = splitSecrets(patch);
      const merge = (current: PublicConfig): PublicConfig => {
        const merged = {
          ...current,
          ...publicPatch,
          ...(publicPatch.ssl ? { ssl: { ...current.ssl, ...publicPatch.ssl } } : {}),
          ...(publicPatch.ssh ? { ssh: { ...current.ssh, ...publicPatch.ssh } } : {}),
          ...(publicPatch.extra ? { extra: { ...current.extra, ...publicPatch.extra } } : {}),
        } as PublicConfig;
        checkConfigRules(merged, rules);
        return merged;
      };
      // Omitted secret fields keep their stored value (docs/api.md, connection.update).
      const updated = await credentials.update(id, merge, secrets);
      if (connections.existing(id)) await drain(id);
      return updated;
    },

    'connection.delete': async ({ id }) => {
      repo.get(id);
      await drain(id);
      await credentials.delete(id);
      return {};
    },

    'connection.test': async (params) => {
      if ('connectionId' in params) {
        repo.get(params.connectionId);
        const started = Date.now();
        try {
          const { worker } = await connections.actorFor(params.connectionId).use();
          return await worker.api.test();
        } catch (error) {
          return failedTest(error, started);
        }
      }
      checkConfigRules(params.config, rules);
      return testWithTemporaryWorker(params.config, deps.workerInit);
    },
  };
}

/**
 * Workers started at once for connection.test of unsaved configs. Each is a thread or process of its own: a batch of
 * a thousand tests (or a script gone wrong) must queue, not start a thousand workers.
 */
const testWorkerSlots = pLimit(4);

/** Tests an unsaved config in a worker of its own, so a hanging or crashing driver cannot touch the supervisor. */
function testWithTemporaryWorker(config: ConnectionConfig, init: WorkerInitOptions): Promise<ConnectionTestResult> {
  return testWorkerSlots(() => testInWorker(config, init));
}

async function testInWorker(config: ConnectionConfig, init: WorkerInitOptions): Promise<ConnectionTestResult> {
  const started = Date.now();
  const worker = spawnConnectionWorker({ isolation: config.extra?.isolation ?? DEFAULT_ISOLATION[config.type], name: `test:${config.type}` });
  try {
    const api = worker.api as unknown as WorkerApi;
    await api.init(config, init);
    return await api.test();
  } catch (error) {
    return failedTest(error, started);
  } finally {
    await worker.stop(1000).catch(() => worker.kill());
  }
}

/** connection.test reports a failure as a result (`ok: false`), not as an envelope error. */
function failedTest(error: unknown, started: number): ConnectionTestResult {
  const e = BridgeError.from(error).toShape();
  return { ok: false, message: e.message, latencyMs: Date.now() - started, error: e };
}
