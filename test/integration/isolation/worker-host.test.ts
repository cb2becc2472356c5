/**
 * A real connection worker, in a thread and in a child process, driven through its WorkerHandle with the faulty
 * connector: streaming with credits, errors across the boundary, cancel, maxRows, timeouts, stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { ISOLATIONS, pause, startFaultyWorker, type RecordedWorker } from './worker-harness.js';

describe.each(ISOLATIONS)('connection worker in a %s', (isolation) => {
  let worker: RecordedWorker;
  let runs = 0;
  /** Each test gets its own session and run id on the one shared worker. */
  async function newRun(sql: string, opts = {}, initialCredit = 100): Promise<string> {
    const n = ++runs;
    await worker.handle.api.openSession(`s${n}`);
    await worker.handle.api.startRun({ sessionId: `s${n}`, runId: `r${n}`, sql, opts, initialCredit });
    return `r${n}`;
  }

  beforeAll(async () => {
    worker = await startFaultyWorker(isolation);
  });
  afterAll(async () => {
    await worker?.handle.stop();
  });

  it('reports its pid or threadId', () => {
    if (isolation === 'process') expect(worker.handle.pid).toBeGreaterThan(0);
    else expect(worker.handle.threadId).toBeGreaterThan(0);
  });

  it('streams every row, stops when credit runs out and resumes on credit', async () => {
    const runId = await newRun('rows 50', { batchSize: 5 }, 2);
    await worker.waitFor(() => worker.batches(runId).length === 2);
    await pause(300);
    expect(worker.batches(runId)).toHaveLength(2);

    worker.handle.sendStream({ type: 'credit', runId, batches: 3 });
    await worker.waitFor(() => worker.batches(runId).length === 5);
    await pause(300);
    expect(worker.batches(runId)).toHaveLength(5);
    expect(worker.ends(runId)).toHaveLength(0);

    worker.handle.sendStream({ type: 'credit', runId, batches: 100 });
    await worker.waitFor(() => worker.ends(runId).length === 1);
    const batches = worker.batches(runId);
    expect(batches.flatMap((b) => b.rows)).toEqual(Array.from({ length: 50 }, (_, i) => ({ i, s: `row ${i}` })));
    expect(batches.map((b) => b.batchIndex)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(batches.filter((b) => b.complete)).toEqual([batches[9]]);
    expect(worker.ends(runId)).toEqual([{ type: 'end', runId, status: 'success', rows: 50 }]);
  });

  it('sends a batch for a statement without rows, with rowsAffected', async () => {
    const runId = await newRun('affect 7');
    await worker.waitFor(() => worker.ends(runId).length === 1);
    expect(worker.batches(runId)).toMatchObject([{ rows: [], complete: true, rowsAffected: 7 }]);
    expect(worker.ends(runId)).toEqual([{ type: 'end', runId, status: 'success', rows: 0, rowsAffected: 7 }]);
  });

  it('a BridgeError thrown by an api call arrives with its code and details', async () => {
    const error = await worker.handle.api.tableInfo('missing', 'main').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'QUERY_FAILED', details: { tableName: 'missing', schema: 'main' } });
  });

  it('answers startRun on a busy session with SESSION_BUSY', async () => {
    const runId = await newRun('hang');
    const sessionId = runId.replace('r', 's');
    const error = await worker.handle.api
      .startRun({ sessionId, runId: `${runId}-again`, sql: 'rows 1', opts: {}, initialCredit: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'SESSION_BUSY', details: { sessionId, runId } });
    await worker.handle.api.cancelRun(sessionId, runId);
    await worker.waitFor(() => worker.ends(runId).length === 1);
  });

  it('ends a failing run with the error shape, details kept', async () => {
    const runId = await newRun('rows 3; throw DB_CONN_LOST');
    await worker.waitFor(() => worker.ends(runId).length === 1);
    expect(worker.batches(runId)).toHaveLength(1);
    expect(worker.ends(runId)).toEqual([
      { type: 'end', runId, status: 'error', rows: 3, error: { code: 'DB_CONN_LOST', message: 'faulty: injected DB_CONN_LOST', details: { injected: true } } },
    ]);
  });

  it('cancelRun ends a hanging run with exactly one end, status cancelled', async () => {
    const runId = await newRun('rows 2; hang');
    await worker.waitFor(() => worker.batches(runId).length === 1);
    await expect(worker.handle.api.cancelRun(runId.replace('r', 's'), runId)).resolves.toBe(true);
    await worker.waitFor(() => worker.ends(runId).length === 1);
    await pause(200);
    expect(worker.ends(runId)).toEqual([{ type: 'end', runId, status: 'cancelled', rows: 2 }]);
    await expect(worker.handle.api.cancelRun(runId.replace('r', 's'), runId)).resolves.toBe(false);
  });

  it('maxRows stops reading and ends as truncated', async () => {
    const runId = await newRun('rows 1000', { batchSize: 100, maxRows: 250 });
    await worker.waitFor(() => worker.ends(runId).length === 1);
    expect(worker.batches(runId).map((b) => b.rows.length)).toEqual([100, 100, 50]);
    expect(worker.batches(runId).at(-1)?.complete).toBe(true);
    expect(worker.ends(runId)).toEqual([{ type: 'end', runId, status: 'truncated', rows: 250 }]);
  });

  it('timeoutMs ends a slow run with DB_TIMEOUT', async () => {
    const runId = await newRun('slow 100 50', { batchSize: 1, timeoutMs: 300 });
    await worker.waitFor(() => worker.ends(runId).length === 1);
    const [end] = worker.ends(runId);
    expect(end).toMatchObject({ status: 'error', error: { code: 'DB_TIMEOUT' } });
    expect(end.rows).toBeGreaterThan(0);
    expect(end.rows).toBeLessThan(100);
  });

  it('sends rows as arrays when asked', async () => {
    const runId = await newRun('rows 2', { rowFormat: 'array' });
    await worker.waitFor(() => worker.ends(runId).length === 1);
    expect(worker.batches(runId)[0].rows).toEqual([[0, 'row 0'], [1, 'row 1']]);
  });

  it('every run above ended exactly once', () => {
    for (let n = 1; n <= runs; n++) expect(worker.ends(`r${n}`)).toHaveLength(1);
  });
});

describe.each(ISOLATIONS)('stopping a connection worker in a %s', (isolation) => {
  it('ends with an expected exit, and later calls reject with WORKER_CRASHED', async () => {
    const worker = await startFaultyWorker(isolation);
    await worker.handle.api.openSession('s');
    await worker.handle.api.startRun({ sessionId: 's', runId: 'r', sql: 'hang', opts: {}, initialCredit: 1 });
    await worker.handle.stop(5_000);
    expect(await worker.exit).toEqual({ code: 0, signal: null, expected: true });
    expect(worker.ends('r')).toEqual([{ type: 'end', runId: 'r', status: 'cancelled', rows: 0 }]);
    expect(worker.handle.exited).toBe(true);
    await expect(worker.handle.api.test()).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
  });
});
