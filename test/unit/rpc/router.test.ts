/**
 * The real Router, served over an in-memory transport exactly as the bridge serves a socket (serveTransport): JSON-RPC
 * 2.0 framing and faults, positional params, zod validation, the bridge's envelope, notifications, batches, and
 * results spliced from RawJson. No process, no socket, no database: handlers here are plain functions.
 */
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { BridgeError, RPC_ERRORS } from '../../../protocol/index.js';
import { ClientRegistry } from '../../../supervisor/rpc/client-registry.js';
import { RawJson } from '../../../supervisor/rpc/raw-json.js';
import { MAX_BATCH_LENGTH, MAX_PARAMS_DEPTH, Router, type HandlerTable } from '../../../supervisor/rpc/router.js';
import { serveTransport } from '../../../supervisor/rpc/serve-transport.js';
import { memoryTransportPair, type MemoryPeer } from '../../helpers/memory-transport.js';

interface Answer {
  jsonrpc: '2.0';
  id: unknown;
  result?: { ok: boolean; data?: any; error?: { code: string; message: string } };
  error?: { code: number; message: string; data?: any };
}

const log = pino({ level: 'silent' });
let peer: MemoryPeer;
let calls: Array<{ method: string; params: unknown }>;

const handlers: HandlerTable = {
  'health.ping': () => ({ uptime: 1, version: 'unit', pid: 1 }),
  'query.run': (params, { client }) => {
    calls.push({ method: 'query.run', params });
    // An event sent before the handler returns reaches the client before the answer.
    client.transport.send(JSON.stringify({ jsonrpc: '2.0', method: 'query.done', params: { runId: 'r1' } }));
    return { sessionId: params.sessionId, runId: 'r1' };
  },
  'query.cancel': ({ sessionId }) => {
    calls.push({ method: 'query.cancel', params: { sessionId } });
    if (sessionId === 'gone') throw new BridgeError('SESSION_NOT_FOUND', 'No session gone', { sessionId });
    if (sessionId === 'bug') throw new TypeError('undefined is not a function');
    return { cancelled: true };
  },
  'query.fetchMore': () => new RawJson('{"rows":[[1]],"columns":[],"complete":true,"spliced":"yes"}'),
};

beforeEach(() => {
  const pair = memoryTransportPair();
  peer = pair.peer;
  calls = [];
  serveTransport(pair.transport, { router: new Router(handlers, log), clients: new ClientRegistry(), log });
});

/** Sends one message and resolves with the first answer that arrives after it. */
function ask(message: string | object): Promise<Answer> {
  const from = peer.messages.length;
  peer.send(message);
  return peer.next<Answer>((m) => peer.messages.indexOf(m) >= from && (Array.isArray(m) || 'id' in m));
}

describe('Router: framing faults', () => {
  it('answers text that is not JSON with -32700 and id null', async () => {
    expect(await ask('{oops')).toMatchObject({ id: null, error: { code: RPC_ERRORS.PARSE_ERROR } });
  });

  it('answers a request without jsonrpc "2.0", a method or a valid id with -32600', async () => {
    expect(await ask({ jsonrpc: '1.0', id: 1, method: 'health.ping' })).toMatchObject({ id: 1, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await ask({ jsonrpc: '2.0', id: 2 })).toMatchObject({ id: 2, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await ask({ jsonrpc: '2.0', id: { no: 1 }, method: 'health.ping' })).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await ask({ jsonrpc: '2.0', id: 3, method: 'health.ping', params: 'x' })).toMatchObject({ id: 3, error: { code: RPC_ERRORS.INVALID_REQUEST } });
  });

  it('answers an unknown method and a known one without a handler with -32601', async () => {
    expect(await ask({ jsonrpc: '2.0', id: 1, method: 'no.such' })).toMatchObject({ error: { code: RPC_ERRORS.METHOD_NOT_FOUND } });
    expect(await ask({ jsonrpc: '2.0', id: 2, method: 'debug.dumpState' })).toMatchObject({
      error: { code: RPC_ERRORS.METHOD_NOT_FOUND, message: expect.stringMatching(/not implemented/) },
    });
  });
});

describe('Router: params', () => {
  it('maps positional params to their names before validating', async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.run', params: ['s1', 'select 1'] });
    expect(answer.result).toEqual({ ok: true, data: { sessionId: 's1', runId: 'r1' } });
    expect(calls).toEqual([{ method: 'query.run', params: { sessionId: 's1', sql: 'select 1' } }]);
  });

  it('refuses more positional params than the method takes, without calling it', async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.cancel', params: ['s1', 'extra'] });
    expect(answer.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { issues: [{ code: 'too_many_params' }] } });
    expect(calls).toEqual([]);
  });

  it("refuses params that fail the method's schema with -32602 and zod's issues", async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.run', params: { sessionId: 's1' } });
    expect(answer.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { issues: [{ path: ['sql'] }] } });
    expect(calls).toEqual([]);
  });

  it(`refuses params nested deeper than ${MAX_PARAMS_DEPTH} levels before validation`, async () => {
    let deep: Record<string, unknown> = {};
    const params = { sessionId: 's1', sql: 'select 1', opts: deep };
    for (let i = 0; i < MAX_PARAMS_DEPTH + 5; i++) deep = deep.next = {};
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.run', params });
    expect(answer.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { issues: [{ code: 'too_deep' }] } });
    expect(calls).toEqual([]);
  });
});

describe('Router: envelope', () => {
  it('wraps a result as { ok: true, data }, after any event the handler sent first', async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 'a', method: 'query.run', params: { sessionId: 's1', sql: 'select 1' } });
    expect(answer).toEqual({ jsonrpc: '2.0', id: 'a', result: { ok: true, data: { sessionId: 's1', runId: 'r1' } } });
    expect(peer.messages.map((m) => (m as { method?: string }).method ?? 'answer')).toEqual(['query.done', 'answer']);
  });

  it("turns a handler's BridgeError into { ok: false, error } with its code and details", async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.cancel', params: { sessionId: 'gone' } });
    expect(answer.result).toEqual({ ok: false, error: { code: 'SESSION_NOT_FOUND', message: 'No session gone', details: { sessionId: 'gone' } } });
  });

  it('hides an unexpected exception behind INTERNAL', async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 1, method: 'query.cancel', params: { sessionId: 'bug' } });
    expect(answer.result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
  });

  it('splices a RawJson result into the answer without re-serializing it', async () => {
    const answer = await ask({ jsonrpc: '2.0', id: 9, method: 'query.fetchMore', params: { sessionId: 's1', cursorToken: 't' } });
    expect(answer.result).toEqual({ ok: true, data: { rows: [[1]], columns: [], complete: true, spliced: 'yes' } });
  });
});

describe('Router: notifications and batches', () => {
  it('executes a notification and never answers it, even when it fails', async () => {
    peer.send({ jsonrpc: '2.0', method: 'query.cancel', params: { sessionId: 'gone' } });
    peer.send({ jsonrpc: '2.0', method: 'query.cancel', params: { sessionId: 's2' } });
    // A request sent after them is answered after them: once it is, they have been handled.
    await ask({ jsonrpc: '2.0', id: 'last', method: 'health.ping' });
    expect(calls.map((c) => c.params)).toEqual([{ sessionId: 'gone' }, { sessionId: 's2' }]);
    expect(peer.messages).toHaveLength(1);
  });

  it('answers a batch with one array holding an answer per request, none for notifications', async () => {
    peer.send([
      { jsonrpc: '2.0', id: 1, method: 'health.ping' },
      { jsonrpc: '2.0', method: 'query.cancel', params: { sessionId: 's1' } },
      { jsonrpc: '2.0', id: 2, method: 'no.such' },
      42,
    ]);
    const batch = await peer.next<Answer[]>(Array.isArray);
    expect(batch).toHaveLength(3);
    expect(batch[0]).toMatchObject({ id: 1, result: { ok: true, data: { version: 'unit' } } });
    expect(batch[1]).toMatchObject({ id: 2, error: { code: RPC_ERRORS.METHOD_NOT_FOUND } });
    expect(batch[2]).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST } });
  });

  it('answers an empty batch, and one over the limit, with a single -32600', async () => {
    expect(await ask([])).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    const tooMany = Array.from({ length: MAX_BATCH_LENGTH + 1 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'health.ping' }));
    expect(await ask(tooMany)).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: expect.stringMatching(/at most/) } });
  });

  it('sends nothing for a batch of notifications only', async () => {
    peer.send([{ jsonrpc: '2.0', method: 'query.cancel', params: { sessionId: 's1' } }]);
    await ask({ jsonrpc: '2.0', id: 'after', method: 'health.ping' });
    expect(calls).toHaveLength(1);
    expect(peer.messages).toHaveLength(1);
  });
});
