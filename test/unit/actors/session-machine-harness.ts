/**
 * session.machine.ts with every effect replaced by a recorder (`.provide()`) and a simulated clock: tests drive the
 * lifecycle by events and by advancing time, with no worker, no database and no real timer.
 */
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import type { WorkerIsolation } from '../../../protocol/index.js';
import { blockedWorkerMachine } from '../../../supervisor/actors/blocked-worker.machine.js';
import { sessionMachine } from '../../../supervisor/actors/session.machine.js';
import { newRun, sessionStateName, type RunOutcome, type SessionEvent } from '../../../supervisor/actors/session-types.js';
import type { RunOptions } from '../../../protocol/index.js';

export const IDLE_MS = 10_000;
export const GRACE_MS = 2_000;

export interface HarnessOptions {
  isolation?: WorkerIsolation;
  /** The worker acknowledges a cancel (else the call never settles, as in a blocked worker). */
  cancelAcks?: boolean;
  /** The worker answers the watchdog's probe. */
  probeAnswers?: boolean;
  /** acquireWorker waits for `releaseAcquire()` (a worker still starting). */
  holdAcquire?: boolean;
  /** startRun waits for `releaseStart()` (the worker's answer still on its way while its batches arrive). */
  holdStart?: boolean;
  openFails?: boolean;
  /**
   * How the worker answers the request to end the session's connection (a cancel past its grace): it ends it
   * ('ends', the default), says it cannot ('cannot'), or never answers ('silent', a worker that stopped answering).
   */
  endConnection?: 'ends' | 'cannot' | 'silent';
}

const never = new Promise<never>(() => undefined);

export function sessionHarness(options: HarnessOptions = {}) {
  const { isolation = 'thread', cancelAcks = true, probeAnswers = true, endConnection = 'ends' } = options;
  const clock = new SimulatedClock();
  const effects: string[] = [];
  const outcomes: Array<RunOutcome & { runId: string }> = [];
  const kills: string[] = [];
  let releaseAcquire: () => void = () => undefined;
  const acquireHeld = new Promise<void>((resolve) => (releaseAcquire = resolve));
  let releaseStart: () => void = () => undefined;
  const startHeld = new Promise<void>((resolve) => (releaseStart = resolve));

  const machine = sessionMachine.provide({
    actors: {
      openClient: fromPromise(async () => {
        if (options.openFails) throw new Error('connection refused');
        return { generation: 1 };
      }),
      acquireWorker: fromPromise(async () => {
        effects.push('acquire');
        if (options.holdAcquire) await acquireHeld;
        return { generation: 1, isolation };
      }),
      startRun: fromPromise(async ({ input }) => {
        effects.push(`start ${input.run.runId}`);
        if (options.holdStart) await startHeld;
      }),
      cancelRun: fromPromise(({ input }) => {
        effects.push(`cancel ${input.runId}`);
        return cancelAcks ? Promise.resolve() : never;
      }),
      endSessionConnection: fromPromise(({ input }) => {
        effects.push(`end connection ${input.runId}`);
        return endConnection === 'silent' ? never : Promise.resolve(endConnection === 'ends');
      }),
      releaseClient: fromPromise(async ({ input }) => void effects.push(`release ${input.leasedOn}`)),
      blockedWorker: blockedWorkerMachine.provide({
        actors: {
          probeWorker: fromPromise(() => {
            effects.push('probe');
            return probeAnswers ? Promise.resolve() : never;
          }),
        },
      }),
    },
    actions: {
      finishRun: ({ context }, outcome) => void outcomes.push({ runId: context.run!.runId, ...outcome }),
      requestPage: () => void effects.push('page credit'),
      killWorker: (_, { reason }) => void kills.push(reason),
      logIdleClose: () => void effects.push('idle close'),
      notifyClosed: () => void effects.push('closed'),
    },
  });
  const actor = createActor(machine, { input: { connectionId: 'c1', cancelGraceMs: GRACE_MS, idleTimeoutMs: IDLE_MS }, clock }).start();

  const state = (): string => sessionStateName(actor.getSnapshot().value, actor.getSnapshot().context.run);
  /** Waits (on snapshots, not on time) until the machine is where the test expects it. */
  const until = (accept: (state: string, matches: (value: object | string) => boolean) => boolean) =>
    waitFor(actor, (s) => accept(sessionStateName(s.value, s.context.run), (value) => s.matches(value as never)), { timeout: 500 });
  let runs = 0;

  return {
    actor,
    clock,
    effects,
    outcomes,
    kills,
    state,
    until,
    releaseAcquire,
    releaseStart,
    send: (event: SessionEvent) => actor.send(event),
    run(opts: Partial<RunOptions> = {}): string {
      const runId = `r${++runs}`;
      actor.send({ type: 'RUN', run: newRun(runId, 'select 1', { batchSize: 100, mode: 'stream', rowFormat: 'object', ...opts }, clock.now()) });
      return runId;
    },
    /** Resolves once the worker accepted the run (the machine is in `started`). */
    started: () => waitFor(actor, (s) => s.matches({ active: 'started' }), { timeout: 500 }),
    /** Page mode: RunStream is handing the client a page (batches themselves never reach the machine: run-stream.test.ts). */
    page: (runId: string) => actor.send({ type: 'PAGE_RELAYED', runId }),
    pagesRelayed: () => actor.getSnapshot().context.run?.pagesRelayed,
    end: (runId: string, status: RunOutcome['status'] = 'success', rows = 0) => actor.send({ type: 'END', runId, status, rows }),
  };
}

export type SessionHarness = ReturnType<typeof sessionHarness>;
