/**
 * The session inactivity timeout (`--session-idle-timeout SECONDS`, default 15 min) closes a session left idle,
 * and never one that is running a statement; each run restarts the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugState } from '../../../protocol/index.js';
import { runToEnd, startRun, startSessionBridge, type SessionBridge } from './session-harness.js';

const IDLE_MS = 1_000;

describe('the session inactivity timeout', () => {
  let harness: SessionBridge;
  let connectionId: string;

  beforeAll(async () => {
    harness = await startSessionBridge({ sample: true, args: ['--session-idle-timeout', String(IDLE_MS / 1000)] });
    connectionId = await harness.sampleId();
    // Start the connection's worker now: a session's idle clock starts when it is created, and the first session
    // would otherwise spend most of its second waiting for the worker process to boot.
    await harness.client.call('metadata.listSchemas', { connectionId });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const sessionIds = async (): Promise<string[]> =>
    ((await harness.client.call('debug.dumpState', {})) as DebugState).sessions.map((s) => s.sessionId);

  it('closes a session idle for longer than the timeout', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    await runToEnd(client, sessionId, 'select 1 as one');
    expect(await sessionIds()).toContain(sessionId);
    await expect.poll(sessionIds, { timeout: IDLE_MS * 4, interval: 100 }).not.toContain(sessionId);
    const answer = await client.request('query.run', { sessionId, sql: 'select 1' });
    expect(!answer.ok && answer.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('does not close a session while its run lasts longer than the timeout, and restarts the clock after it', async () => {
    const { client } = harness;
    const sessionId = await harness.newSession(connectionId);
    // A stream that would run for minutes, cancelled after one and a half timeouts.
    const started = await startRun(
      client,
      sessionId,
      'with recursive c(x) as (select 1 union all select x + 1 from c where x < 50000000) select x from c',
      { batchSize: 1000, rowFormat: 'array' },
    );
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 1.5));
    const during: DebugState = await client.call('debug.dumpState', {});
    expect(during.sessions.find((s) => s.sessionId === sessionId)).toMatchObject({ state: 'running', runId: started.runId });
    expect(await client.call('query.cancel', { sessionId })).toEqual({ cancelled: true });
    expect((await started.collected).done.status).toBe('cancelled');
    expect(await sessionIds()).toContain(sessionId);
    // Used again before the timeout: still there.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 2));
    expect((await runToEnd(client, sessionId, 'select 1 as one')).done.status).toBe('success');
    await expect.poll(sessionIds, { timeout: IDLE_MS * 4, interval: 100 }).not.toContain(sessionId);
  });
});
