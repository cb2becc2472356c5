/**
 * The composition root: builds the supervisor's parts and wires them together. Everything the bridge owns is
 * created here and closed in close(), in the reverse order.
 *
 *   transport ─▶ Router ─▶ handlers ─▶ SessionActor / ConnectionActor ─▶ worker (thread or process) ─▶ driver
 *   transport ◀─ ClientRegistry (events) ◀────── batches (pre-serialized, under credit) ◀─────────────┘
 */
import { join } from 'node:path';
import type { ConnectorStatusEvent } from '../protocol/index.js';
import { ConnectionRegistry } from './actors/connection-registry.js';
import { SessionRegistry } from './actors/session-registry.js';
import { closeLogger, openLogger, type Logger, type LogLevel } from './log/logger.js';
import { ClientRegistry } from './rpc/client-registry.js';
import { chartHandlers } from './rpc/handlers/chart-handlers.js';
import { connectionHandlers } from './rpc/handlers/connection-handlers.js';
import { healthHandlers } from './rpc/handlers/health-handlers.js';
import { hostKeyHandlers } from './rpc/handlers/host-key-handlers.js';
import { queryHandlers } from './rpc/handlers/query-handlers.js';
import { secretHandlers } from './rpc/handlers/secret-handlers.js';
import { methodsWithFaultInjection } from './rpc/fault-injection-methods.js';
import { Router } from './rpc/router.js';
import { serveTransport } from './rpc/serve-transport.js';
import { ensureSampleConnection } from './sample/sample-connection.js';
import { ConnectionCredentials } from './secrets/connection-credentials.js';
import { openSecretStore, type SecretStore } from './secrets/index.js';
import { KnownHostsStore, knownHostsPathOf } from './ssh/known-hosts-store.js';
import { packageRoot } from './package-info.js';
import { openAppDb, type Db } from './store/app-store.js';
import { joinSecrets } from './secrets/connection-secrets.js';
import { ChartsRepo } from './store/charts-repo.js';
import { ConnectionsRepo } from './store/connections-repo.js';
import { HistoryRepo } from './store/history-repo.js';
import { SecretCleanupRepo } from './store/secret-cleanup-repo.js';
import { JobSystem, type JobSystemOptions } from './jobs/job-system.js';
import { startHttpServer, type RunningHttpServer } from './transports/http-server.js';
import type { Transport } from './transports/transport.js';

export interface BridgeOptions {
  dataDir: string;
  host: string;
  port: number;
  token: string;
  allowOrigins: string[];
  logLevel: LogLevel;
  /** Serve the UI's static files. */
  ui: boolean;
  /**
   * Open the HTTP/WebSocket server (default true). The desktop app turns it off: its renderer reaches the bridge over
   * a MessagePort (attach), so no TCP port is opened at all (docs/architecture.md, "Desktop mode").
   */
  listen?: boolean;
  /** Create the sample SQLite database and its connection on first start. */
  sample: boolean;
  /** Register the `faulty` connector type (fault-injection tests only). */
  faultInjection: boolean;
  /**
   * With faultInjection only: points where the bridge SIGKILLs itself, to test crash recovery for real
   * (`DBV_FAULT_POINTS`, comma-separated; supervisor/secrets/connection-credentials.ts names them).
   */
  faultPoints?: readonly string[];
  /** Serve debug.dumpState; without it the method answers FORBIDDEN (`details.reason: 'debug-disabled'`). */
  debug?: boolean;
  /** Unlocks the encrypted secrets file at start (from DBV_MASTER_PASSWORD). */
  masterPassword?: string;
  /** Keychain service name; tests use their own. */
  keychainService?: string;
  sessionIdleTimeoutMs?: number;
  cancelGraceMs?: number;
  /** Backups, restores, exports and schedules (concurrency, tool folders, extra backup folders). */
  jobs?: JobSystemOptions;
  version: string;
}

export interface Bridge {
  /** The WebSocket endpoint; null when started with `listen: false`. */
  readonly url: string | null;
  readonly uiUrl: string | null;
  readonly port: number | null;
  readonly log: Logger;
  /** The secret store's state and its unlock (for the CLI's master-password prompt). */
  readonly secrets: Pick<SecretStore, 'status' | 'unlock'>;
  /** Serves one more client over any transport (stdio, MessagePort; WebSocket clients arrive by themselves). */
  attach(transport: Transport): void;
  /** Graceful: runs cancelled (each with its query.done), workers stopped, files closed. */
  close(): Promise<void>;
}

export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_CANCEL_GRACE_MS = 2000;

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const startedAt = Date.now();
  const log = await openLogger({ dataDir: opts.dataDir, level: opts.logLevel });
  const db: Db = openAppDb(opts.dataDir);
  const repo = new ConnectionsRepo(db);
  const history = new HistoryRepo(db);
  const secrets: SecretStore = await openSecretStore({
    dataDir: opts.dataDir,
    ...(opts.keychainService ? { service: opts.keychainService } : {}),
    ...(opts.masterPassword ? { masterPassword: opts.masterPassword } : {}),
    warn: (message, details) => log.warn(details ?? {}, message),
  });
  log.info({ secrets: secrets.status() }, 'secret store opened');

  const faultPoints = new Set(opts.faultInjection ? (opts.faultPoints ?? []) : []);
  const credentials = new ConnectionCredentials({
    repo,
    cleanup: new SecretCleanupRepo(db),
    vault: secrets,
    log,
    faultPoint: (point) => {
      if (!faultPoints.has(point)) return;
      log.warn({ point }, 'fault injection: killing the bridge');
      process.kill(process.pid, 'SIGKILL');
    },
  });
  // Secrets a crash or a locked store left without their connection: removed now, and after every unlock.
  await credentials.reconcile();
  secrets.onUnlocked(() => credentials.reconcile());
  // At log level debug a worker's errors carry the driver's own message and stack (details.raw), secrets masked.
  const knownHosts = new KnownHostsStore(knownHostsPathOf(opts.dataDir));
  const workerInit = { faultInjection: opts.faultInjection, rawErrors: opts.logLevel === 'debug', knownHostsPath: knownHosts.path };

  const clients = new ClientRegistry();
  const emitStatus = (event: ConnectorStatusEvent): void => {
    log.info(event, 'connector status');
    clients.broadcast('connector.status', event);
  };
  // A connection without stored credentials never touches the secret store (which may be locked).
  const loadConfig = async (id: string) =>
    repo.get(id).storedCredentials ? joinSecrets(repo.publicConfig(id), await secrets.getConnectionSecrets(id)) : repo.publicConfig(id);
  const connections = new ConnectionRegistry({ loadConfig, emitStatus, log, workerInit });
  const jobs = new JobSystem(
    {
      db,
      dataDir: opts.dataDir,
      repo,
      loadConfig,
      closeConnection: (id) => connections.close(id),
      broadcast: (event, params) => clients.broadcast(event, params as never),
      log,
    },
    opts.jobs,
  );
  const sessions = new SessionRegistry({
    clients,
    history,
    log,
    cancelGraceMs: opts.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
    idleTimeoutMs: opts.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
  });
  // A client that goes away takes its sessions with it: runs cancelled on the server, clients released.
  clients.onClientClosed((client) => void sessions.closeWhere((s) => s.clientId === client.id));

  const router = new Router(
    {
      ...connectionHandlers({ repo, credentials, connections, sessions, faultInjection: opts.faultInjection, workerInit }),
      ...hostKeyHandlers({ repo, knownHosts }),
      ...queryHandlers({ repo, connections, sessions, history }),
      ...secretHandlers(secrets),
      ...jobs.handlers(),
      ...chartHandlers({ repo, charts: new ChartsRepo(db) }),
      ...healthHandlers({ version: opts.version, startedAt, clients, connections, sessions, jobs, debug: opts.debug === true }),
    },
    log,
    opts.faultInjection ? methodsWithFaultInjection() : undefined,
  );

  if (opts.sample) ensureSampleConnection({ db, repo, dataDir: opts.dataDir, log });
  jobs.start();

  const attach = (transport: Transport): void => void serveTransport(transport, { router, clients, log });

  let http: RunningHttpServer | null = null;
  if (opts.listen !== false) {
    try {
      http = await startHttpServer({
        host: opts.host,
        port: opts.port,
        token: opts.token,
        allowedOrigins: opts.allowOrigins,
        ...(opts.ui ? { uiDir: findUiDir() } : {}),
        onClient: attach,
        log: (level, obj, msg) => log[level](obj, msg),
      });
    } catch (error) {
      await jobs.close();
      db.close();
      await closeLogger(log);
      throw error;
    }
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      log.info('shutting down');
      await sessions.closeWhere(() => true);
      await jobs.close();
      await connections.closeAll();
      await http?.close();
      clients.closeAll('bridge shutting down');
      secrets.lock();
      db.close();
      await closeLogger(log);
    })());

  return {
    url: http?.url ?? null,
    uiUrl: opts.ui && http ? http.uiUrl : null,
    port: http?.port ?? null,
    log,
    secrets: { status: () => secrets.status(), unlock: (pw) => secrets.unlock(pw) },
    attach,
    close,
  };
}

/**
 * The built UI (ui/dist, made by `npm run build`). ui/ itself holds the renderer's sources, which a browser cannot
 * run: without a build the static server answers with its "UI not built" page. Works from source and from dist/.
 */
function findUiDir(): string {
  return join(packageRoot(), 'ui', 'dist');
}
