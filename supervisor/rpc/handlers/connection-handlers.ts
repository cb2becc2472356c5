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
import type { WorkerApi, WorkerSettings } from '../../../workers/worker-messages.js';
import { DEFAULT_ISOLATION } from '../../../workers/connectors/registry.js';
import type { ConnectionRegistry } from '../../actors/connection-registry.js';
import type { SessionRegistry } from '../../actors/session-registry.js';
import { spawnConnectionWorker } from '../../isolation/worker-host.js';
import type { SecretStore } from '../../secrets/index.js';
import { hasAnySecret, splitSecrets, type PublicConfig } from '../../store/connection-secrets.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';

/** The part of the secret store that keeps connection credentials. */
export type CredentialVault = Pick<SecretStore, 'putConnectionSecrets' | 'getConnectionSecrets' | 'deleteConnectionSecrets'>;

export interface ConnectionHandlerDeps {
  repo: ConnectionsRepo;
  vault: CredentialVault;
  connections: ConnectionRegistry;
  sessions: SessionRegistry;
  faultInjection: boolean;
  /** Given to the temporary workers of connection.test (e.g. where the pinned SSH host keys are). */
  workerSettings?: WorkerSettings;
}

export function connectionHandlers(deps: ConnectionHandlerDeps): HandlerTable {
  const { repo, vault, connections, sessions } = deps;

  const checkType = (type: ConnectionConfig['type'] | undefined): void => {
    if (type === 'faulty' && !deps.faultInjection) {
      throw new BridgeError('INVALID_PARAMS', "Connector type 'faulty' exists only with --enable-fault-injection", { type });
    }
  };

  /** Drains a connection: its sessions end (their runs with query.done), then its worker stops. */
  const drain = async (connectionId: string): Promise<void> => {
    await sessions.closeWhere((s) => s.connectionId === connectionId);
  };

  return {
    'connection.create': async ({ config }) => {
      checkType(config.type);
      const { config: publicConfig, secrets } = splitSecrets(config);
      const stored = hasAnySecret(secrets);
      const id = `conn_${crypto.randomUUID()}`;
      if (stored) await vault.putConnectionSecrets(id, secrets);
      try {
        return repo.insert(publicConfig as PublicConfig, stored, id);
      } catch (error) {
        if (stored) await vault.deleteConnectionSecrets(id).catch(() => undefined);
        throw error;
      }
    },

    'connection.list': () => repo.list(),

    'connection.get': ({ id }) => repo.get(id),

    'connection.update': async ({ id, config: patch }) => {
      const current = repo.publicConfig(id);
      checkType(patch.type);
      const { config: publicPatch, secrets } = splitSecrets(patch);
      const merged: PublicConfig = {
        ...current,
        ...publicPatch,
        ...(publicPatch.ssl ? { ssl: { ...current.ssl, ...publicPatch.ssl } } : {}),
        ...(publicPatch.ssh ? { ssh: { ...current.ssh, ...publicPatch.ssh } } : {}),
        ...(publicPatch.extra ? { extra: { ...current.extra, ...publicPatch.extra } } : {}),
      } as PublicConfig;
      // Omitted secret fields keep their stored value (PROTOCOL.md).
      if (hasAnySecret(secrets) || Object.values(secrets).some((v) => v === '')) await vault.putConnectionSecrets(id, secrets);
      const stored = hasAnySecret(await vault.getConnectionSecrets(id));
      const updated = repo.update(id, merged, stored);
      const actor = connections.existing(id);
      if (actor) {
        await drain(id);
        await connections.close(id);
      }
      return updated;
    },

    'connection.delete': async ({ id }) => {
      repo.get(id);
      await drain(id);
      await connections.close(id);
      repo.delete(id);
      await vault.deleteConnectionSecrets(id);
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
      checkType(params.config.type);
      return testWithTemporaryWorker(params.config, deps.workerSettings ?? {});
    },
  };
}

/**
 * Workers started at once for connection.test of unsaved configs. Each is a thread or process of its own: a batch of
 * a thousand tests (or a script gone wrong) must queue, not start a thousand workers.
 */
const testWorkerSlots = pLimit(4);

/** Tests an unsaved config in a worker of its own, so a hanging or crashing driver cannot touch the supervisor. */
function testWithTemporaryWorker(config: ConnectionConfig, settings: WorkerSettings): Promise<ConnectionTestResult> {
  return testWorkerSlots(() => testInWorker(config, settings));
}

async function testInWorker(config: ConnectionConfig, settings: WorkerSettings): Promise<ConnectionTestResult> {
  const started = Date.now();
  const worker = spawnConnectionWorker({ isolation: config.extra?.isolation ?? DEFAULT_ISOLATION[config.type], name: `test:${config.type}` });
  try {
    const api = worker.api as unknown as WorkerApi;
    await api.init(config, settings);
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
