/**
 * A client that never reads: it starts a 3-million-row stream and stops reading its socket. Credit-based flow control
 * stops the worker instead of buffering (docs/architecture.md), so the supervisor's resident memory stays bounded,
 * another client's pings are answered all along, and when the stalled client goes away its run ends.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** A bare WebSocket client whose socket the test can stop reading. */
async function bareClient(url: string, token: string): Promise<{ ws: WebSocket; call: (method: string, params: unknown) => Promise<unknown> }> {
  const target = new URL(url);
  target.searchParams.set('token', token);
  const ws = new WebSocket(target, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: { data?: unknown } };
    if (typeof message.id === 'number') waiting.get(message.id)?.(message.result?.data);
  });
  return {
    ws,
    call: (method, params) =>
      new Promise((resolve) => {
        const callId = ++id;
        waiting.set(callId, resolve);
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: callId, method, params }));
      }),
  };
}

describe('a client that never reads', () => {
  let b: FaultBridge;
  beforeAll(async () => {
    b = await startFaultBridge();
  });
  afterAll(async () => {
    expect(await b?.stop()).toBe(0);
  });

  it('costs bounded supervisor memory, and other clients are answered meanwhile', async () => {
    const pid = b.bridge.child.pid!;
    // A thread worker, so that what it might buffer shows in the supervisor's own RSS too.
    const { connectionId, sessionId: warm } = await b.faultyConnection('thread', 'stalled reader');
    expect((await b.run(warm, 'rows 100000')).done.status).toBe('success');
    const stalled = await bareClient(b.bridge.ready.url, b.bridge.token);
    const { sessionId } = (await stalled.call('query.createSession', { connectionId })) as { sessionId: string };
    const baseline = rssMb(pid);
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    // From now on nothing is read: the run's batches pile up in the kernel's buffers, then in front of the credit.
    const accepted = stalled.call('query.run', { sessionId, sql: 'rows 3000000' });
    socket.pause();
    void accepted;

    let peak = baseline;
    const pings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      await b.ping();
      pings.push(Date.now() - started);
      peak = Math.max(peak, rssMb(pid));
      await new Promise((r) => setTimeout(r, 250));
    }
    // 3 million rows are ~100 MB of JSON; flow control keeps what the supervisor holds to a few batches.
    expect(peak - baseline).toBeLessThan(64);
    expect(pings).toHaveLength(20);
    // The connection still serves other sessions while the stalled run holds its credit.
    expect((await b.run(warm, 'rows 1000')).done).toMatchObject({ status: 'success', rows: 1000 });

    // Meanwhile the stalled session's run is open, holding its credit; the client's buffer shows what waits for it.
    const during = await b.client.call('debug.dumpState', {});
    expect(during.sessions.find((s) => s.sessionId === sessionId)).toMatchObject({ state: expect.stringMatching(/running|streaming|active/) });
    // The stalled client goes away: its run and session end with it.
    stalled.ws.terminate();
    await expect
      .poll(async () => (await b.client.call('debug.dumpState', {})).sessions.filter((s) => s.sessionId === sessionId).length, { timeout: 10_000 })
      .toBe(0);
  }, 60_000);
});
