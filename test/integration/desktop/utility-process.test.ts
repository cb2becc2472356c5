/**
 * The desktop path end to end, without the Electron binary: the built supervisor (dist/supervisor/main.js) runs in
 * its own process under scripts/utility-process/harness.ts, which gives it an Electron-shaped `process.parentPort`
 * and hands it one end of a real MessageChannel per renderer, as the shell's `utilityProcess.fork` and
 * `MessageChannelMain` do. The renderer's end is driven from here. The restart test runs the shell's own BridgeHost
 * (ui/electron/bridge-host.ts) over these processes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { QueryDoneEvent } from '../../../protocol/query.js';
import {
  forkSimulatedUtilityProcess,
  type RendererPort,
  type SimulatedUtilityProcess,
} from '../../../scripts/utility-process/simulated-utility-process.js';
import type { DesktopBridgeState } from '../../../ui/src/bridge/desktop-api.js';
import { BridgeHost, type UtilityChild } from '../../../ui/electron/bridge-host.js';
import { RestartBackoff } from '../../../ui/electron/restart-backoff.js';
import { REPO_ROOT } from '../../helpers/bridge-process.js';
import { TestClient } from '../../helpers/clients.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { listeningTcpSockets, processTree } from './listening-sockets.js';

const db = await testDatabase('postgres');
const ENTRY = join(REPO_ROOT, 'dist/supervisor/main.js');
const HARNESS = join(REPO_ROOT, 'dist/scripts/utility-process/harness.js');

function startUtility(dataDir: string): SimulatedUtilityProcess {
  return forkSimulatedUtilityProcess({
    entry: ENTRY,
    harness: HARNESS,
    // What the shell passes (ui/electron/main.ts), with a test data dir and no sample.
    args: ['--parent-port', '--no-listen', '--data-dir', dataDir, '--no-sample', '--log-level', 'warn'],
    cwd: REPO_ROOT,
  });
}

/** A renderer's BridgeClient on its end of the port; `kinds` records the type of every message the bridge posted. */
function rendererClient(port: RendererPort, kinds: string[] = []): TestClient {
  let open = true;
  const client = new TestClient(
    (text) => {
      // As the renderer's MessagePortLink: a call on a port that is gone fails at once.
      if (!open) throw new Error('Not connected to the bridge');
      port.post(text);
    },
    { send: (text) => port.post(text) },
    async () => port.close(),
  );
  port.onMessage((data) => {
    kinds.push(typeof data);
    client.receive(data as string);
  });
  port.onClose(() => {
    open = false;
    client.transportClosed({ reason: 'port closed' });
  });
  return client;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('--parent-port outside Electron', () => {
  it('refuses to start without a process.parentPort (exit 2, says why)', async () => {
    const run = promisify(execFile);
    const failure = await run(process.execPath, [ENTRY, '--parent-port', '--no-listen', '--no-sample'], { cwd: REPO_ROOT, timeout: 20_000 }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/--parent-port: there is no process.parentPort/);
  });
});

describe.skipIf(db.skip)('the supervisor as an Electron utilityProcess (simulated parentPort, real PostgreSQL)', () => {
  let dataDir: string;
  let utility: SimulatedUtilityProcess;
  let client: TestClient;
  const kinds: string[] = [];
  let connectionId: string;
  let admin: pg.Client;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dbv-desktop-'));
    utility = startUtility(dataDir);
    await utility.ready;
    client = rendererClient(utility.openPort(), kinds);
    connectionId = (await client.call('connection.create', { config: configFromUrl(db.url!, 'desktop test') })).id;
    admin = new pg.Client({ connectionString: db.url! });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await utility?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('announces ready on the parent port and serves the renderer over its MessagePort', async () => {
    const ready = await utility.ready;
    expect(ready).toMatchObject({ type: 'ready', pid: utility.pid });
    expect(await client.call('health.ping', {})).toMatchObject({ pid: utility.pid });
  });

  it('opens no TCP port: neither the supervisor nor its workers listen', async () => {
    // A live connection worker exists, so its process (if process-isolated) is in the tree too.
    const session = await client.call('query.createSession', { connectionId });
    const pids = processTree(utility.pid);
    expect(listeningTcpSockets(pids)).toEqual([]);
    await client.call('query.closeSession', { sessionId: session.sessionId });

    // The check itself sees a listener where there is one (this test process, listening for a moment).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(listeningTcpSockets([process.pid]).some((socket) => socket.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`))).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams a query: every row in order, each message JSON text that only the renderer parses', async () => {
    const { sessionId } = await client.call('query.createSession', { connectionId });
    kinds.length = 0;
    const rows = 30_000;
    const { runId } = await client.call('query.run', {
      sessionId,
      sql: `select g, 'row ' || g as label from generate_series(1, ${rows}) g`,
      opts: { batchSize: 1000, rowFormat: 'array' },
    });
    const run = await client.collectRun(runId, 60_000);
    expect(run.done).toMatchObject({ status: 'success', rows });
    const values = run.results.flatMap((batch) => batch.rows as unknown[][]);
    expect(values).toHaveLength(rows);
    expect(values[0]).toEqual([1, 'row 1']);
    expect(values[rows - 1]).toEqual([rows, `row ${rows}`]);
    expect(values.every((row, i) => row[0] === i + 1)).toBe(true);
    expect(run.results.length).toBeGreaterThanOrEqual(rows / 1000);
    expect(new Set(kinds)).toEqual(new Set(['string']));
    await client.call('query.closeSession', { sessionId });
  });

  it('cancels pg_sleep(30) on the server: done as cancelled, gone from pg_stat_activity', async () => {
    const { sessionId } = await client.call('query.createSession', { connectionId });
    const pidRun = await client.call('query.run', { sessionId, sql: 'select pg_backend_pid()', opts: { rowFormat: 'array' } });
    const backendPid = (await client.collectRun(pidRun.runId)).results[0]!.rows[0] as unknown[];
    const active = async () =>
      (await admin.query(`select count(*)::int as n from pg_stat_activity where pid = $1 and state = 'active' and query like '%pg_sleep(30)%'`, [backendPid[0]]))
        .rows[0].n as number;

    const { runId } = await client.call('query.run', { sessionId, sql: 'select pg_sleep(30)' });
    const done = client.collectRun(runId, 20_000);
    await waitUntil(async () => (await active()) === 1, 10_000, 'pg_sleep to be active');
    expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: true });
    expect((await done).done).toMatchObject({ status: 'cancelled' } satisfies Partial<QueryDoneEvent>);
    await waitUntil(async () => (await active()) === 0, 5_000, 'pg_sleep to leave pg_stat_activity');
    await client.call('query.closeSession', { sessionId });
  });

  it('a renderer reload: the old port closes, a new one is served, and sessions stay with their client', async () => {
    const before = rendererClient(utility.openPort());
    const { sessionId } = await before.call('query.createSession', { connectionId });
    await before.close();
    expect((await before.closed).reason).toBe('port closed');
    const reloaded = rendererClient(utility.openPort());
    expect(await reloaded.call('health.ping', {})).toMatchObject({ pid: utility.pid });
    // Sessions belong to their client: the reloaded page cannot reach the old one.
    await expect(reloaded.call('query.run', { sessionId, sql: 'select 1' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await reloaded.close();
  });

  it('shuts down gracefully when the main process asks on the parent port (exit 0)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'dbv-desktop-stop-'));
    try {
      const second = startUtility(other);
      await second.ready;
      second.postToParentPort({ type: 'shutdown' });
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe.skipIf(db.skip)('bridge restart through the shell\'s BridgeHost (real supervisors, simulated utilityProcess)', () => {
  it('SIGKILL the supervisor: the renderer is told, a new process starts on the same data, a new port works', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dbv-desktop-restart-'));
    const states: DesktopBridgeState[] = [];
    let current: SimulatedUtilityProcess | undefined;
    const clients: TestClient[] = [];
    type Port = { close(): void; renderer?: RendererPort; partner?: Port };
    const host = new BridgeHost<Port>({
      fork: () => {
        const sim = startUtility(dataDir);
        current = sim;
        const child: UtilityChild = {
          pid: sim.pid,
          postMessage(message: unknown, transfer?: Port[]) {
            // The port pair's renderer end becomes real here: the harness opens the channel and relays our end.
            if (transfer?.[0]?.partner) transfer[0].partner.renderer = sim.openPort();
            else sim.postToParentPort(message);
          },
          on(event: 'exit' | 'message', listener: (value: never) => void) {
            if (event === 'exit') void sim.exited.then(({ code }) => (listener as (code: number) => void)(code ?? -1));
            else sim.onParentPortMessage(listener as (data: unknown) => void);
            return child;
          },
          kill() {
            void sim.kill();
            return true;
          },
        };
        return child;
      },
      createChannel: () => {
        const port2: Port = { close: () => port2.renderer?.close() };
        return { port1: { close: () => undefined, partner: port2 }, port2 };
      },
      broadcast: (state) => states.push(state),
      log: () => undefined,
      backoff: new RestartBackoff({ delaysMs: [200], stableAfterMs: 60_000, giveUpAfter: 3 }),
    });
    // What the renderer's MessagePortLink does: ask for a port, and ask again when a restarted bridge is ready.
    const connect = () => host.requestPort(1, (port) => clients.push(rendererClient(port.renderer!)));
    try {
      host.start();
      connect();
      await waitUntil(() => clients.length === 1, 30_000, 'the first port');
      const first = clients[0]!;
      const firstPid = current!.pid;
      const created = await first.call('connection.create', { config: configFromUrl(db.url!, 'survives restarts') });

      await current!.kill();
      await first.closed;
      await waitUntil(() => states.some((s) => s.kind === 'restarting'), 5_000, 'the restarting state');
      expect(states.find((s) => s.kind === 'restarting')).toMatchObject({ kind: 'restarting', attempt: 1, retryInMs: 200 });
      await expect(first.call('health.ping', {})).rejects.toThrow();

      await waitUntil(() => states.at(-1)?.kind === 'ready' && states.filter((s) => s.kind === 'ready').length === 2, 30_000, 'the restarted bridge');
      connect();
      await waitUntil(() => clients.length === 2, 10_000, 'the new port');
      const second = clients[1]!;
      expect(current!.pid).not.toBe(firstPid);
      expect(await second.call('health.ping', {})).toMatchObject({ pid: current!.pid });
      // Same data dir: the connection saved before the crash is there, and it runs queries.
      expect((await second.call('connection.list', {})).map((c) => c.id)).toContain(created.id);
      const { sessionId } = await second.call('query.createSession', { connectionId: created.id });
      const { runId } = await second.call('query.run', { sessionId, sql: 'select 41 + 1 as answer', opts: { rowFormat: 'array' } });
      expect((await second.collectRun(runId)).results[0]!.rows).toEqual([[42]]);
    } finally {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
