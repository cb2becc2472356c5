/**
 * A connection worker that dies: every api call in flight, and every later one, rejects with WORKER_CRASHED instead
 * of hanging (comlink alone would hang), the exit is reported once and as unexpected, and the dead worker sends no
 * 'end' for its run (the supervisor's actor ends such runs).
 */
import { describe, expect, it } from 'vitest';
import { BridgeError, type WorkerIsolation } from '../../../protocol/index.js';
import { pause, startFaultyWorker, type RecordedWorker } from './worker-harness.js';

/** A worker whose testConnection takes a minute: a call that is still pending when the worker dies. */
async function workerWithPendingCall(isolation: WorkerIsolation, spawn = {}) {
  const worker = await startFaultyWorker(isolation, { delayMs: 60_000 }, spawn);
  await worker.handle.api.openSession('s');
  const pending = worker.handle.api.test().then(
    () => 'resolved',
    (error: unknown) => error,
  );
  return { worker, pending };
}

async function expectCrashed(worker: RecordedWorker, pending: Promise<unknown>) {
  const error = await pending;
  expect(error).toBeInstanceOf(BridgeError);
  expect(error).toMatchObject({ code: 'WORKER_CRASHED' });
  await expect(worker.handle.api.listSchemas()).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
  const exit = await worker.exit;
  expect(exit.expected).toBe(false);
  expect(worker.handle.exited).toBe(true);
  return exit;
}

describe('a worker thread that dies', () => {
  it('terminated with kill(): pending calls reject with WORKER_CRASHED', async () => {
    const { worker, pending } = await workerWithPendingCall('thread');
    worker.handle.kill();
    expect(await expectCrashed(worker, pending)).toMatchObject({ signal: null });
  });

  it('exits from inside a query (`exit`)', async () => {
    const { worker, pending } = await workerWithPendingCall('thread');
    await worker.handle.api.startRun({ sessionId: 's', runId: 'r', sql: 'rows 1; exit', opts: {}, initialCredit: 10 });
    expect(await expectCrashed(worker, pending)).toEqual({ code: 1, signal: null, expected: false });
    expect(worker.ends('r')).toEqual([]);
  });

  it('runs out of heap under its resourceLimits (`leak`), alone', async () => {
    const { worker, pending } = await workerWithPendingCall('thread', { maxOldGenerationSizeMb: 48 });
    await worker.handle.api.startRun({ sessionId: 's', runId: 'r', sql: 'leak 400', opts: {}, initialCredit: 10 });
    await expectCrashed(worker, pending);
    expect(worker.output.join('\n')).toMatch(/memory/i);
  });
});

describe('a worker process that dies', () => {
  it('SIGKILLed from outside: pending calls reject with WORKER_CRASHED', async () => {
    const { worker, pending } = await workerWithPendingCall('process');
    process.kill(worker.handle.pid!, 'SIGKILL');
    expect(await expectCrashed(worker, pending)).toEqual({ code: null, signal: 'SIGKILL', expected: false });
  });

  it('killed with kill()', async () => {
    const { worker, pending } = await workerWithPendingCall('process');
    worker.handle.kill();
    expect(await expectCrashed(worker, pending)).toMatchObject({ signal: 'SIGKILL' });
  });

  it('exits from inside a query (`exit`)', async () => {
    const { worker, pending } = await workerWithPendingCall('process');
    await worker.handle.api.startRun({ sessionId: 's', runId: 'r', sql: 'exit', opts: {}, initialCredit: 10 });
    expect(await expectCrashed(worker, pending)).toEqual({ code: 1, signal: null, expected: false });
    expect(worker.ends('r')).toEqual([]);
  });

  it('aborts like a segfault (`abort`): the parent sees SIGABRT and lives on', async () => {
    const { worker, pending } = await workerWithPendingCall('process');
    await worker.handle.api.startRun({ sessionId: 's', runId: 'r', sql: 'rows 3; abort', opts: {}, initialCredit: 10 });
    expect(await expectCrashed(worker, pending)).toEqual({ code: null, signal: 'SIGABRT', expected: false });
    expect(worker.ends('r')).toEqual([]);
  });

  it('a stop() that the worker cannot honour in time ends in a kill, still reported as expected', async () => {
    const worker = await startFaultyWorker('process');
    // A process whose event loop is stuck cannot answer shutdown: simulate it by freezing it.
    process.kill(worker.handle.pid!, 'SIGSTOP');
    await pause(50);
    const started = Date.now();
    await worker.handle.stop(300);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await worker.exit).toEqual({ code: null, signal: 'SIGKILL', expected: true });
  });
});
