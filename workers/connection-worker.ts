/**
 * The connection worker entry. One file for both isolations (a worker thread or a forked child process): it serves
 * exactly one connection, whose full config (secrets included) arrives through `init`, never through argv or env.
 *
 * The WorkerApi is exposed with comlink on the pipe's 'rpc' channel; runs and server health (Connector.onHealth)
 * report on the 'stream' channel.
 */
import { setCancelDelayForTests } from './connectors/slow-cancel.js';
import { expose } from 'comlink';
import { constants, setPriority } from 'node:os';
import { BridgeError, sessionBusyError } from '../protocol/errors.js';
import { SECRET_CONFIG_PATHS, secretValueAt } from '../protocol/secret-fields.js';
import type { ConnectionConfig } from '../protocol/index.js';
import { testConnectionHops } from './connectors/connection-hops.js';
import type { Connector } from './connectors/connector.js';
import { FAULT_INJECTION_TYPE, type WorkerConnectionConfig } from './channel/connector-types.js';
import { loadConnectorFactory } from './connectors/registry.js';
import { configureErrorDiagnostics } from './channel/error-diagnostics.js';
import { registerErrorTransfer } from './channel/error-transfer.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, routeThroughTunnel } from './connectors/network-config.js';
import { SshTunnel } from './connectors/ssh/ssh-tunnel.js';
import { settlePreferredTls } from './connectors/tls-probe.js';
import { openParentPipe } from './parent-pipe.js';
import { RpcChannelEndpoint } from './channel/rpc-endpoint.js';
import { QueryRun } from './run-loop.js';
import type { RunRequest, SupervisorStreamMessage, WorkerApi, WorkerInitOptions, WorkerStreamMessage } from './channel/worker-messages.js';

/** How long shutdown lets running queries stop before it closes the connector under them. */
const SHUTDOWN_RUN_GRACE_MS = 2_000;

registerErrorTransfer();
yieldCpuToSupervisor();

const pipe = openParentPipe();
const rpc = new RpcChannelEndpoint((msg) => pipe.send({ ch: 'rpc', msg }));
const runsBySession = new Map<string, QueryRun>();
let connector: Connector | undefined;
let connectionConfig: ConnectionConfig | undefined;
/** The SSH tunnel every database connection of this worker goes through, when the config has `ssh`. */
let tunnel: SshTunnel | undefined;
let shuttingDown = false;

/**
 * Bulk row work yields to the supervisor, which answers every client: when the cores are busy, a ping, a cancel or
 * another connection's batches must not wait behind this worker's reading. On Linux the priority is per thread, so
 * this lowers only this worker (thread or process), never the supervisor's own thread. Best effort: where the OS
 * refuses, nothing changes.
 */
function yieldCpuToSupervisor(): void {
  try {
    setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not permitted here; the worker runs at normal priority.
  }
}

function sendStream(msg: WorkerStreamMessage): void {
  pipe.send({ ch: 'stream', msg });
}

function requireConnector(): Connector {
  if (shuttingDown) throw new BridgeError('WORKER_CRASHED', 'The worker is shutting down');
  if (!connector) throw new BridgeError('INTERNAL', 'The worker was not initialised (init was not called)');
  return connector;
}

function onStreamMessage(msg: SupervisorStreamMessage): void {
  if (msg.type === 'heartbeat') {
    sendStream({ type: 'heartbeat', seq: msg.seq });
    return;
  }
  if (msg.type !== 'credit') return;
  for (const run of runsBySession.values()) if (run.runId === msg.runId) run.addCredit(msg.batches);
}

const api: WorkerApi = {
  async init(config: WorkerConnectionConfig, options: WorkerInitOptions = {}) {
    if (connector) throw new BridgeError('INTERNAL', 'The worker is already initialised');
    if (config.type === FAULT_INJECTION_TYPE && options.faultInjection !== true) {
      throw new BridgeError('INVALID_PARAMS', `Connector type '${FAULT_INJECTION_TYPE}' exists only with --enable-fault-injection`);
    }
    if (options.faultInjection === true) setCancelDelayForTests(Number(process.env.DBV_FAULT_SLOW_CANCEL_MS ?? 0));
    configureErrorDiagnostics(options.rawErrors === true, SECRET_CONFIG_PATHS.map((path) => secretValueAt(config, path)));
    const factory = await loadConnectorFactory(config.type);
    // The test-only type's connector reads the same fields as any other.
    const publicConfig = config as ConnectionConfig;
    const connectTimeoutMs = config.extra?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (config.ssh && (config.type === 'postgres' || config.type === 'mysql')) {
      // Opened lazily by the first connection that needs it; it dies with this worker (shutdown, or the process).
      tunnel = new SshTunnel({ ssh: config.ssh, knownHostsPath: options.knownHostsPath, connectTimeoutMs });
      routeThroughTunnel(publicConfig, tunnel);
    }
    await settlePreferredTls(publicConfig, connectTimeoutMs);
    connectionConfig = publicConfig;
    connector = factory(publicConfig);
    connector.onHealth?.((event) => {
      if (!shuttingDown) sendStream({ type: 'health', ...event });
    });
    connector.onSessionBackend?.((sessionId, backendId) => sendStream({ type: 'session-backend', sessionId, backendId }));
  },
  test: () => testConnectionHops(connectionConfig!, requireConnector(), tunnel),
  listSchemas: () => requireConnector().getMetadata(),
  listSchemasJson: async () => JSON.stringify(await requireConnector().getMetadata()),
  tableInfo: (tableName, schema) => requireConnector().tableInfo(tableName, schema),
  openSession: (sessionId) => requireConnector().openSession(sessionId),
  async startRun(request: RunRequest) {
    const target = requireConnector();
    const busy = runsBySession.get(request.sessionId);
    if (busy) {
      throw sessionBusyError({ sessionId: request.sessionId, runId: busy.runId });
    }
    const run = new QueryRun(target, request, sendStream);
    runsBySession.set(request.sessionId, run);
    void run.done.then(() => {
      if (runsBySession.get(request.sessionId) === run) runsBySession.delete(request.sessionId);
    });
  },
  async cancelRun(sessionId, runId) {
    const run = runsBySession.get(sessionId);
    return run !== undefined && run.runId === runId && run.cancel();
  },
  async endSessionConnection(sessionId, runId) {
    const run = runsBySession.get(sessionId);
    if (run === undefined || run.runId !== runId) return false;
    return (await requireConnector().endSessionConnection?.(sessionId)) ?? false;
  },
  async closeSession(sessionId) {
    const run = runsBySession.get(sessionId);
    if (run) {
      run.cancel();
      await run.done;
    }
    await requireConnector().closeSession(sessionId);
  },
  async poolStats() {
    return connector?.poolStats?.() ?? {};
  },
  endOrphanedBackends: async (backendIds) => (await requireConnector().endOrphanedBackends?.(backendIds)) ?? 0,
  async shutdown() {
    if (shuttingDown) return;
    shuttingDown = true;
    const runs = [...runsBySession.values()];
    for (const run of runs) run.cancel();
    await Promise.race([Promise.all(runs.map((run) => run.done)), delay(SHUTDOWN_RUN_GRACE_MS)]);
    try {
      await connector?.close();
    } finally {
      tunnel?.close();
      // After comlink has posted this call's reply (it does so in a later microtask).
      setImmediate(() => pipe.exitWhenFlushed(0));
    }
  },
};

pipe.onMessage((message) => {
  if (message.ch === 'rpc') rpc.deliver(message.msg);
  else if (message.ch === 'stream') onStreamMessage(message.msg as SupervisorStreamMessage);
});
expose(api, rpc);

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
