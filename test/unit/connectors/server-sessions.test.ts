/**
 * The session table the PostgreSQL and MySQL connectors share (server-sessions.ts), with a fake server: one run at a
 * time, a cancel sent once per run, the next run held until that cancel has reached the server, close = cancel +
 * destroy. The real cancel paths are tested against the servers in test/integration/sessions/cancel-server.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import type { ConnectorRunOptions, RowBatch } from '../../../workers/connectors/connector.js';
import { ServerSessions, type ServerRunState, type ServerSession } from '../../../workers/connectors/server-sessions.js';

interface FakeSession extends ServerSession<ServerRunState> {
  name: string;
  /** Which connection the session is on: 1, then 2 after a reconnect… */
  generation: number;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function table(maxSessions?: number) {
  const stops: Array<{ session: string; run: ServerRunState; ran: boolean }> = [];
  const destroyed: string[] = [];
  let stopGate: Promise<void> = Promise.resolve();
  let reconnectFailure: Error | null = null;
  const sessions = new ServerSessions<FakeSession, ServerRunState>({
    async stop(session, run) {
      const entry = { session: session.name, run, ran: false };
      stops.push(entry);
      await stopGate;
      entry.ran = true;
    },
    destroy: (session) => void destroyed.push(session.name),
    brokenError: (error) => new BridgeError('DB_CONN_LOST', `lost: ${String(error)}`),
    async reconnect(session) {
      if (reconnectFailure) throw reconnectFailure;
      session.generation++;
    },
    backendId: (session) => session.generation * 1000,
  }, maxSessions);
  sessions.add('s1', { name: 's1', generation: 1, run: null, cancelling: null, broken: null });
  return {
    sessions,
    stops,
    destroyed,
    holdStops: (gate: Promise<void>) => (stopGate = gate),
    failReconnects: (error: Error | null) => (reconnectFailure = error),
  };
}

const fake = (name: string) => async (): Promise<FakeSession> => ({ name, generation: 1, run: null, cancelling: null, broken: null });

const opts = (signal = new AbortController().signal): ConnectorRunOptions => ({ batchSize: 10, signal });
const batch = (n: number): RowBatch => ({ resultSetIndex: 0, columns: [], rows: [[n]], last: false });

/** A run that yields one batch and then waits until `release` before its last one. */
function gatedRead(release: Promise<void>) {
  return async function* (): AsyncGenerator<RowBatch> {
    yield batch(1);
    await release;
    yield { ...batch(2), last: true };
  };
}

describe('ServerSessions', () => {
  it('an unknown session is SESSION_NOT_FOUND; cancel and close of one are no-ops', async () => {
    const { sessions } = table();
    await expect(sessions.run('nope', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve())).next()).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
    expect(await sessions.cancel('nope')).toBe(false);
    await sessions.close('nope');
  });

  it('one run at a time: a second run while the first reads is SESSION_BUSY; after it, the session is free', async () => {
    const { sessions } = table();
    const gate = deferred();
    const first = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(gate.promise));
    await first.next();
    const second = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve()));
    await expect(second.next()).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    gate.resolve();
    for await (const _ of first) void _;
    const third = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve()));
    expect((await third.next()).value).toMatchObject({ rows: [[1]] });
    await third.return(undefined);
  });

  it('a session whose connection failed reports that failure to its next run, and the run after reconnects', async () => {
    const { sessions, destroyed } = table();
    sessions.get('s1').broken = new Error('socket closed');
    await expect(sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve())).next()).rejects.toMatchObject({
      code: 'DB_CONN_LOST',
      message: 'lost: Error: socket closed',
      details: { sessionStateLost: true },
    });
    expect(destroyed).toEqual(['s1']);
    const batches = [];
    for await (const b of sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve()))) batches.push(b);
    expect(sessions.get('s1').generation).toBe(2);
    expect(batches.map((b) => b.sessionReconnected)).toEqual([true, undefined]);
    // Only the first run on the new connection says so.
    const again = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve()));
    expect((await again.next()).value).not.toHaveProperty('sessionReconnected');
    await again.return(undefined);
  });

  it('a run that fails with DB_CONN_LOST gives its connection up; a failed reconnect leaves the session to try again', async () => {
    const { sessions, destroyed, failReconnects } = table();
    const lost = sessions.run('s1', opts(), () => ({ cancelled: false }), async function* () {
      yield batch(1);
      throw new BridgeError('DB_CONN_LOST', 'terminated');
    });
    await lost.next();
    await expect(lost.next()).rejects.toMatchObject({ code: 'DB_CONN_LOST', details: { sessionStateLost: true } });
    expect(destroyed).toEqual(['s1']);
    failReconnects(new BridgeError('DB_CONN_REFUSED', 'still down'));
    await expect(sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve())).next()).rejects.toMatchObject({
      code: 'DB_CONN_REFUSED',
    });
    failReconnects(null);
    const failing = sessions.run('s1', opts(), () => ({ cancelled: false }), async function* (): AsyncGenerator<RowBatch> {
      if (Date.now() > 0) throw new BridgeError('QUERY_FAILED', 'no such table');
      yield batch(0);
    });
    // A run that fails before its first batch carries the news in its error.
    await expect(failing.next()).rejects.toMatchObject({ code: 'QUERY_FAILED', details: { sessionReconnected: true } });
    await sessions.close('s1');
    expect(destroyed).toEqual(['s1', 's1']);
  });

  it('closing a session whose connection was given up does not end that connection twice', async () => {
    const { sessions, destroyed } = table();
    sessions.get('s1').broken = new Error('socket closed');
    await expect(sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve())).next()).rejects.toThrow();
    await sessions.close('s1');
    expect(destroyed).toEqual(['s1']);
  });

  it('open answers SESSION_LIMIT at once past maxSessions, and a closed session frees its slot', async () => {
    const { sessions } = table(2);
    await sessions.open('s2', fake('s2'));
    await expect(sessions.open('s3', fake('s3'))).rejects.toMatchObject({ code: 'SESSION_LIMIT', details: { maxSessions: 2 } });
    await sessions.close('s2');
    await sessions.open('s3', fake('s3'));
    expect(sessions.ids().sort()).toEqual(['s1', 's3']);
  });

  it('the abort signal cancels on the server once, however often cancel is asked too', async () => {
    const { sessions, stops } = table();
    const controller = new AbortController();
    const gate = deferred();
    let run: ServerRunState | undefined;
    const iterator = sessions.run('s1', opts(controller.signal), () => (run = { cancelled: false }), gatedRead(gate.promise));
    await iterator.next();
    controller.abort();
    expect(await sessions.cancel('s1')).toBe(true);
    expect(await sessions.cancel('s1')).toBe(true);
    expect(run!.cancelled).toBe(true);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.run).toBe(run);
    gate.resolve();
    await iterator.return(undefined);
    expect(await sessions.cancel('s1')).toBe(false);
  });

  it('a run aborted before it started reading is cancelled without reading', async () => {
    const { sessions } = table();
    const controller = new AbortController();
    controller.abort();
    let read = false;
    const iterator = sessions.run('s1', opts(controller.signal), () => ({ cancelled: false }), async function* () {
      read = true;
      yield batch(1);
    });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'QUERY_CANCELLED', details: { statementIndex: 0 } });
    expect(read).toBe(false);
  });

  it('the next run waits until the previous run\'s cancel has reached the server', async () => {
    const { sessions, stops, holdStops } = table();
    const stopReleased = deferred();
    holdStops(stopReleased.promise);
    const first = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(new Promise(() => undefined)));
    await first.next();
    const cancelled = sessions.cancel('s1');
    // The first run's reader gives up (as a driver does once the server cancels); the cancel itself is still in flight.
    await first.return(undefined);

    let secondRead = false;
    const second = sessions.run('s1', opts(), () => ({ cancelled: false }), async function* () {
      secondRead = true;
      yield batch(3);
    });
    const secondFirst = second.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondRead).toBe(false);

    stopReleased.resolve();
    expect(await cancelled).toBe(true);
    expect((await secondFirst).value).toMatchObject({ rows: [[3]] });
    expect(secondRead).toBe(true);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.ran).toBe(true);
  });

  it('close cancels the running run, then destroys the connection, and forgets the session', async () => {
    const { sessions, stops, destroyed } = table();
    const iterator = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(new Promise(() => undefined)));
    await iterator.next();
    await sessions.close('s1');
    expect(stops.map((s) => s.session)).toEqual(['s1']);
    expect(destroyed).toEqual(['s1']);
    expect(sessions.has('s1')).toBe(false);
    expect(sessions.ids()).toEqual([]);
  });

  it('announces each session connection\'s backend id when it opens or reconnects, and null when it is gone', async () => {
    const { sessions } = table();
    const announced: Array<[string, number | null]> = [];
    sessions.onBackend((sessionId, backendId) => announced.push([sessionId, backendId]));
    await sessions.open('s2', fake('s2'));
    expect(announced).toEqual([['s2', 1000]]);
    const lost = sessions.run('s1', opts(), () => ({ cancelled: false }), async function* (): AsyncGenerator<RowBatch> {
      if (Date.now() > 0) throw new BridgeError('DB_CONN_LOST', 'terminated');
      yield batch(0);
    });
    await expect(lost.next()).rejects.toMatchObject({ code: 'DB_CONN_LOST' });
    expect(announced.at(-1)).toEqual(['s1', null]);
    const next = sessions.run('s1', opts(), () => ({ cancelled: false }), gatedRead(Promise.resolve()));
    await next.next();
    expect(announced.at(-1)).toEqual(['s1', 2000]);
    await next.return(undefined);
    await sessions.close('s2');
    expect(announced).toEqual([['s2', 1000], ['s1', null], ['s1', 2000], ['s2', null]]);
  });
});

describe('ServerSessions.sever (a cancel that missed its grace)', () => {
  it('ends the connection under the run, does not wait for the late cancel, and the next run reconnects', async () => {
    const { sessions, destroyed, stops, holdStops } = table();
    holdStops(new Promise<void>(() => undefined));
    const severed = deferred();
    const abort = new AbortController();
    let run!: ServerRunState;
    const first = sessions.run(
      's1',
      opts(abort.signal),
      () => (run = { cancelled: false }),
      async function* (): AsyncGenerator<RowBatch> {
        yield batch(1);
        await severed.promise;
        throw new Error('the session connection was ended');
      },
    );
    await first.next();
    abort.abort();
    expect(stops).toHaveLength(1);
    expect(sessions.sever('s1')).toBe(true);
    expect(run.cancelled).toBe(true);
    expect(destroyed).toEqual(['s1']);
    // A second sever, or one with nothing running, does nothing.
    expect(sessions.sever('s1')).toBe(false);
    severed.resolve();
    await expect(first.next()).rejects.toThrow('the session connection was ended');

    const next = sessions.run('s1', opts(), () => ({ cancelled: false }), async function* (session) {
      yield { ...batch(session.generation), last: true };
    });
    expect((await next.next()).value).toMatchObject({ rows: [[2]], sessionReconnected: true });
    expect(stops.every((stop) => !stop.ran)).toBe(true);
  });
});
