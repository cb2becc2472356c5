/**
 * job.machine.ts on its own: the machine with stand-in effects (a promise the test settles, recorded statuses), so
 * every transition is checked without a pool, a tool or app.db.
 */
import { createActor, fromPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../protocol/index.js';
import { jobMachine } from '../../../supervisor/jobs/job.machine.js';

function harness() {
  const recorded: JobStatus[] = [];
  let settle!: { resolve: (value: unknown) => void; reject: (error: unknown) => void };
  let aborted = 0;
  const machine = jobMachine.provide({
    actors: { runTask: fromPromise(() => new Promise((resolve, reject) => (settle = { resolve, reject }))) },
    actions: {
      recordStatus: (_, params) => recorded.push(params.status),
      abortTask: () => aborted++,
    },
  });
  const actor = createActor(machine, { input: { jobId: 'job_1' } }).start();
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { actor, recorded, settle: () => settle, aborted: () => aborted, flush };
}

describe('job machine', () => {
  it('queued → running → success, recording each status once', async () => {
    const h = harness();
    expect(h.actor.getSnapshot().value).toBe('queued');
    h.actor.send({ type: 'START' });
    expect(h.recorded).toEqual(['running']);
    h.settle().resolve({ size: 1 });
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('success');
    expect(h.actor.getSnapshot().context.output).toEqual({ size: 1 });
    expect(h.recorded).toEqual(['running', 'success']);
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('a failing task ends failed, keeping its code', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.settle().reject({ code: 'BACKUP_FAILED', message: 'pg_dump failed', details: { exitCode: 1 } });
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('failed');
    expect(h.actor.getSnapshot().context.error).toEqual({ code: 'BACKUP_FAILED', message: 'pg_dump failed', details: { exitCode: 1 } });
    expect(h.recorded).toEqual(['running', 'failed']);
  });

  it('CANCEL while running aborts the task and ends cancelled once the task has stopped', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.actor.send({ type: 'CANCEL' });
    expect(h.aborted()).toBe(1);
    expect(h.actor.getSnapshot().value).toEqual({ active: 'cancelling' });
    // A second cancel does not abort twice.
    h.actor.send({ type: 'CANCEL' });
    expect(h.aborted()).toBe(1);
    h.settle().reject({ code: 'QUERY_CANCELLED', message: 'cancelled' });
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('cancelled');
    expect(h.recorded).toEqual(['running', 'cancelled']);
  });

  it('CANCEL while queued ends cancelled without running anything', () => {
    const h = harness();
    h.actor.send({ type: 'CANCEL' });
    expect(h.actor.getSnapshot().value).toBe('cancelled');
    expect(h.recorded).toEqual(['cancelled']);
    h.actor.send({ type: 'START' });
    expect(h.recorded).toEqual(['cancelled']);
  });

  it('SHUTDOWN while running ends interrupted; while queued the job is left queued (nothing recorded)', async () => {
    const running = harness();
    running.actor.send({ type: 'START' });
    running.actor.send({ type: 'SHUTDOWN' });
    expect(running.aborted()).toBe(1);
    running.settle().reject({ code: 'QUERY_CANCELLED', message: 'cancelled' });
    await running.flush();
    expect(running.actor.getSnapshot().value).toBe('interrupted');
    expect(running.recorded).toEqual(['running', 'interrupted']);

    const queued = harness();
    queued.actor.send({ type: 'SHUTDOWN' });
    expect(queued.actor.getSnapshot().value).toBe('detached');
    expect(queued.recorded).toEqual([]);
  });

  it('a task that completes although a cancel was asked keeps its complete result', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.actor.send({ type: 'CANCEL' });
    h.settle().resolve({ size: 2 });
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('success');
  });
});
