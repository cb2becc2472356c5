/**
 * The bridge every fault test drives: the built standalone supervisor (dist/supervisor/main.js) with
 * --enable-fault-injection, over WebSocket, plus the few calls each test repeats.
 */
import type { ConnectionConfig, ConnectorStatusEvent, WorkerIsolation } from '../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { connectWs, type RunCollection, type TestClient } from '../helpers/clients.js';

export interface FaultBridge {
  bridge: BridgeProcess;
  client: TestClient;
  /** Every connector.status the client received, in order. */
  statuses: ConnectorStatusEvent[];
  /** Saves a `faulty` connection in the given isolation and opens a session on it. */
  faultyConnection(isolation: WorkerIsolation, name?: string): Promise<{ connectionId: string; sessionId: string }>;
  connect(config: ConnectionConfig, name?: string): Promise<{ connectionId: string; sessionId: string }>;
  run(sessionId: string, sql: string, timeoutMs?: number): Promise<RunCollection>;
  /** Resolves once `connectionId` reported `status` after the `after`-th status event. */
  status(connectionId: string, status: string, after: number, timeoutMs?: number): Promise<ConnectorStatusEvent>;
  /** health.ping answered by the bridge's own process. */
  ping(): Promise<void>;
  stop(): Promise<number | null>;
}

export async function startFaultBridge(opts: { args?: string[]; dataDir?: string } = {}): Promise<FaultBridge> {
  const bridge = await startBridgeProcess({
    fromDist: true,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    args: ['--no-ui', '--no-sample', '--enable-fault-injection', '--enable-debug', ...(opts.args ?? [])],
  });
  const client = await connectWs(bridge.ready.url, bridge.token);
  const statuses: ConnectorStatusEvent[] = [];
  client.on('connector.status', (s) => statuses.push(s));
  const connect = async (config: ConnectionConfig) => {
    const { id } = await client.call('connection.create', { config });
    const { sessionId } = await client.call('query.createSession', { connectionId: id });
    return { connectionId: id, sessionId };
  };
  return {
    bridge,
    client,
    statuses,
    connect,
    faultyConnection: (isolation, name = `faulty ${isolation}`) =>
      connect({ name, type: 'faulty', extra: { isolation } } as unknown as ConnectionConfig),
    async run(sessionId, sql, timeoutMs = 30_000) {
      const { runId } = await client.call('query.run', { sessionId, sql });
      return client.collectRun(runId, timeoutMs);
    },
    status: (connectionId, status, after, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const look = (): void => {
          const found = statuses.slice(after).find((s) => s.connectionId === connectionId && s.status === status);
          if (found) return resolve(found);
          if (Date.now() - started > timeoutMs) return reject(new Error(`no connector.status ${status} for ${connectionId} within ${timeoutMs} ms`));
          setTimeout(look, 20);
        };
        look();
      }),
    async ping() {
      const { pid } = await client.call('health.ping', {});
      if (pid !== bridge.child.pid) throw new Error(`ping answered by ${pid}, not the bridge ${bridge.child.pid}`);
    },
    async stop() {
      await client.close();
      return bridge.stop();
    },
  };
}
