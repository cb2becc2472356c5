/**
 * A page-mode cursor whose worker is killed between pages: the run ends with WORKER_CRASHED (its one query.done),
 * and a query.fetchMore that names that run afterwards — a client that had not yet seen the end — is answered with
 * the same WORKER_CRASHED, not with "no page-mode run" (docs/api.md, query.fetchMore).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QueryResultEvent } from '../../protocol/index.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

let b: FaultBridge;
beforeAll(async () => {
  b = await startFaultBridge();
});
afterAll(async () => {
  expect(await b?.stop()).toBe(0);
});

it('answers a fetchMore after the worker under the cursor was killed with the run’s own WORKER_CRASHED', async () => {
  const { connectionId, sessionId } = await b.faultyConnection('process', 'paged then killed');
  const { runId } = await b.client.call('query.run', { sessionId, sql: 'rows 1000', opts: { mode: 'page', batchSize: 10 } });
  const collected = b.client.collectRun(runId);
  const first = await b.client.waitFor<QueryResultEvent>('query.result', (p) => p.runId === runId);
  expect(first.cursorToken).toEqual(expect.any(String));

  const state = await b.client.call('debug.dumpState', {});
  const worker = state.workers.find((w) => w.connectionId === connectionId);
  expect(worker?.pid).toEqual(expect.any(Number));
  process.kill(worker!.pid!, 'SIGKILL');
  const run = await collected;
  expect(run.done.status).toBe('error');
  expect(run.errors.map((e) => e.error.code)).toEqual(['WORKER_CRASHED']);

  const late = await b.client.request('query.fetchMore', { sessionId, cursorToken: first.cursorToken! });
  expect(late).toMatchObject({ ok: false, error: { code: 'WORKER_CRASHED', details: { runId } } });
  // A token the session never issued is still just invalid.
  expect(await b.client.request('query.fetchMore', { sessionId, cursorToken: 'run_x:1' })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
  await b.client.call('connection.delete', { id: connectionId });
}, 30_000);
