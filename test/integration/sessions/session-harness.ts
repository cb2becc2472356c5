/**
 * Shared by the query-session tests: a real bridge process with one connection per database, and the checks every
 * run must pass — exactly one `query.done`, and nothing for that run after it.
 */
import { expect } from 'vitest';
import type { ConnectionConfig, DebugState, QueryDoneEvent, RunOptions } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type RunCollection, type TestClient } from '../../helpers/clients.js';

/** How long a test waits after a `query.done` for anything that should not come (a second done, a late batch). */
export const SETTLE_MS = 150;

export interface SessionBridge {
  bridge: BridgeProcess;
  client: TestClient;
  /** Creates a connection through the bridge and returns its id. */
  connect(config: ConnectionConfig): Promise<string>;
  /** The sample SQLite connection (only when the bridge was started without --no-sample). */
  sampleId(): Promise<string>;
  newSession(connectionId: string, client?: TestClient): Promise<string>;
  stop(): Promise<void>;
}

export async function startSessionBridge(opts: { sample?: boolean; args?: string[] } = {}): Promise<SessionBridge> {
  const bridge = await startBridgeProcess({ args: ['--no-ui', '--enable-debug', ...(opts.sample ? [] : ['--no-sample']), ...(opts.args ?? [])] });
  const client = await connectWs(bridge.ready.url, bridge.token);
  return {
    bridge,
    client,
    connect: async (config) => (await client.call('connection.create', { config })).id,
    sampleId: async () => (await client.call('connection.list', {})).find((c) => c.type === 'sqlite')!.id,
    newSession: async (connectionId, other = client) => (await other.call('query.createSession', { connectionId })).sessionId,
    async stop() {
      await client.close().catch(() => undefined);
      expect(await bridge.stop()).toBe(0);
    },
  };
}

/** Starts a run and begins collecting its events at once (the first batch may beat the `query.run` answer). */
export async function startRun(
  client: TestClient,
  sessionId: string,
  sql: string,
  opts?: RunOptions,
  timeoutMs = 30_000,
): Promise<{ runId: string; collected: Promise<RunCollection> }> {
  const { runId } = await client.call('query.run', { sessionId, sql, ...(opts ? { opts } : {}) });
  return { runId, collected: client.collectRun(runId, timeoutMs) };
}

/** Runs to the end and checks the one-done rule. */
export async function runToEnd(client: TestClient, sessionId: string, sql: string, opts?: RunOptions): Promise<RunCollection> {
  const { runId, collected } = await startRun(client, sessionId, sql, opts);
  const run = await collected;
  await expectSingleDone(client, runId);
  return run;
}

interface Message {
  method?: string;
  params?: { runId?: string };
}

/** Every notification the client received for one run, in arrival order, as method names. */
export function runMessages(client: TestClient, runId: string): string[] {
  return (client.messages as Message[]).filter((m) => m?.params?.runId === runId && m.method !== undefined).map((m) => m.method!);
}

/** Exactly one `query.done` for the run, and it is the last thing the client received for that run. */
export async function expectSingleDone(client: TestClient, runId: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const methods = runMessages(client, runId);
  expect(methods.filter((m) => m === 'query.done'), `query.done count for ${runId}`).toHaveLength(1);
  expect(methods.at(-1), `last message for ${runId}`).toBe('query.done');
}

/** The rows of all batches of one result set, in order. */
export function rowsOf(run: RunCollection, resultSetIndex = 0): unknown[] {
  return run.results.filter((r) => r.resultSetIndex === resultSetIndex).flatMap((r) => r.rows);
}

/** Waits until the run has delivered at least `batches` batches. */
export async function waitForBatches(client: TestClient, runId: string, batches: number): Promise<void> {
  await expect.poll(() => runMessages(client, runId).filter((m) => m === 'query.result').length, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(batches);
}

/** Cancels the session's run and returns what the client saw of it, with how long the done took after the cancel. */
export async function cancelAndCollect(
  client: TestClient,
  sessionId: string,
  started: { runId: string; collected: Promise<RunCollection> },
): Promise<{ run: RunCollection; cancelToDoneMs: number; doneAt: number }> {
  const at = Date.now();
  expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: true });
  const run = await started.collected;
  const doneAt = Date.now();
  await expectSingleDone(client, started.runId);
  return { run, cancelToDoneMs: doneAt - at, doneAt };
}

/** The shape every cancelled run must have: status cancelled, no query.error. */
export function expectCancelled(run: RunCollection): QueryDoneEvent {
  expect(run.errors).toEqual([]);
  expect(run.done.status).toBe('cancelled');
  return run.done;
}

export async function workerOf(client: TestClient, connectionId: string): Promise<DebugState['workers'][number]> {
  const state: DebugState = await client.call('debug.dumpState', {});
  const worker = state.workers.find((w) => w.connectionId === connectionId);
  expect(worker, `worker of ${connectionId}`).toBeDefined();
  return worker!;
}

/** A string no other test's SQL contains, to find this run's statement in the server's activity list. */
export function uniqueMarker(label: string): string {
  return `dbv_sessions_${label}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}
