/**
 * Fuzzing the RPC surface of one real bridge process over WebSocket with fast-check: random JSON values, requests of
 * every method with mutated params (wrong types, ~1 MB strings, 1000-level nesting, lone surrogates, `__proto__` /
 * `constructor` / `prototype` keys, positional arrays of wrong length), odd ids, batches and truncated JSON.
 *
 * Messages go one at a time; each gets exactly the answers JSON-RPC owes it (none for a notification, then a
 * sentinel ping proves it was processed), within a timeout, and every answer is a documented protocol fault or an
 * envelope with a registered error code. Afterwards the bridge is alive, answers, did not grow without bound, and
 * its Object prototype is not polluted.
 *
 * Methods that would start a connection worker or run scrypt for a valid call (connection.test with a config,
 * secret.unlock) get only invalid params: a few thousand worker starts would test the machine, not the boundary.
 * The bridge runs on a locked encrypted-file store (no D-Bus session), so no keychain is written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, METHOD_LIST, type MethodDescriptor } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { VALID_PARAMS } from '../../unit/protocol/method-examples.js';

const RUNS = Number(process.env.DBV_FUZZ_RUNS ?? 2000);
const ANSWER_TIMEOUT_MS = 10_000;
const PROTOCOL_FAULTS = new Set([-32700, -32600, -32601, -32602]);
const MAX_RSS_BYTES = 300 * 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Answer = { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: unknown };

// ---- generators -------------------------------------------------------------------------------------------------

const LONE_SURROGATES = ['\uD800', '\uDFFF', 'a\uDC00b', '\uDBFF\uD800', 'x\uD83D'];
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...LONE_SURROGATES, '', '\u0000', '\u202E', 'connection/', '../../etc/passwd', '${x}', "'; drop table connections; --"),
);
const hugeString = fc.integer({ min: 100_000, max: 1_000_000 }).map((n) => 'x'.repeat(n));
const deep = (levels: number, leaf: Json = 1): Json => {
  let value: Json = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};
/** Objects whose own keys are the prototype-touching names, built by JSON.parse (a literal `__proto__:` sets the prototype instead). */
const protoKeyed = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }))
  .map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify({ polluted: value, toString: 1, hasOwnProperty: 'x' })}}`) as Json);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: protoKeyed },
  { weight: 1, arbitrary: fc.constantFrom<Json>(deep(1000), deep(1000, 'leaf'), -0, 1e308, -1e308, 2 ** 53 + 1, 0.1) },
);

/** Replaces, deletes or adds one field somewhere in `params` (one level down into objects). */
const mutateParams = (params: Record<string, unknown>): fc.Arbitrary<unknown> => {
  const keys = Object.keys(params);
  const field = fc.oneof(fc.constantFrom(...(keys.length ? keys : ['x'])), fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), fc.string({ maxLength: 8 }));
  return fc.oneof(
    fc.tuple(field, anyValue).map(([k, v]) => withOwnKey(params, k, v)),
    fc.tuple(field, fc.oneof({ weight: 1, arbitrary: hugeString }, { weight: 3, arbitrary: nasty })).map(([k, v]) => withOwnKey(params, k, v)),
    fc.tuple(field, fc.constant(null)).map(([k]) => withOwnKey(params, k, deep(1000))),
    field.map((k) => {
      const copy = { ...params };
      delete copy[k];
      return copy;
    }),
    // One level down: a nested object (config, opts, options, patch) gets the mutation instead.
    fc.tuple(fc.constantFrom(...(keys.length ? keys : ['x'])), field, anyValue).map(([outer, k, v]) => {
      const inner = params[outer];
      return withOwnKey(params, outer, inner && typeof inner === 'object' && !Array.isArray(inner) ? withOwnKey(inner as Record<string, unknown>, k, v) : v);
    }),
    // Positional, of the right, shorter and longer length, possibly with wrong types.
    fc.tuple(fc.integer({ min: 0, max: keys.length + 3 }), fc.boolean(), anyValue).map(([length, keepTypes, filler]) =>
      Array.from({ length }, (_, i) => (keepTypes && i < keys.length ? params[keys[i]!] : filler)),
    ),
    fc.constantFrom<unknown>(null, 'a string', 42, true, [], {}),
  );
};

function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  // defineProperty makes `__proto__` an own, enumerable, serializable key rather than a prototype change.
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const oddId = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, {}, [], [1], { id: 1 }, 1.5, -0, 1e308, '', '\uD800', 'x'.repeat(10_000)),
  fc.jsonValue({ maxDepth: 1 }),
);

interface Fuzzed {
  /** The exact text sent. */
  text: string;
  label: string;
}

let counter = 0;
const nextId = (): string => `fz-${++counter}`;

const methodRequest = fc
  .tuple(
    fc.constantFrom(...METHOD_LIST),
    fc.nat({ max: 99 }),
    fc.oneof({ weight: 8, arbitrary: fc.constant<'own' | 'odd' | 'none'>('own') }, { weight: 1, arbitrary: fc.constant('odd' as const) }, { weight: 1, arbitrary: fc.constant('none' as const) }),
    oddId,
  )
  .chain(([descriptor, roll, idKind, odd]) =>
    (roll < 10 ? fc.constant<unknown>(VALID_PARAMS[descriptor.method as keyof typeof VALID_PARAMS]) : mutateParams(VALID_PARAMS[descriptor.method as keyof typeof VALID_PARAMS])).map(
      (params) => ({ descriptor, params, idKind, odd }),
    ),
  )
  .filter(({ descriptor, params }) => !startsExpensiveWork(descriptor, params))
  .map(({ descriptor, params, idKind, odd }): Fuzzed => {
    const request: Record<string, unknown> = { jsonrpc: '2.0', method: descriptor.method, params };
    if (idKind === 'own') request.id = nextId();
    if (idKind === 'odd') request.id = odd;
    return { text: JSON.stringify(request), label: `${descriptor.method} (${idKind} id)` };
  });

const envelopeMutation = fc
  .record({
    jsonrpc: fc.oneof(fc.constant<unknown>('2.0'), fc.constantFrom<unknown>('1.0', 2, null, undefined)),
    method: fc.oneof(fc.constantFrom<unknown>(...METHOD_LIST.map((d) => d.method)), anyValue, fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')),
    params: fc.oneof(anyValue, fc.constant(undefined)),
  })
  .map((r): Fuzzed => ({ text: JSON.stringify({ ...r, id: nextId() }), label: 'mutated envelope' }));

const randomJson = anyValue.map((v): Fuzzed => ({ text: JSON.stringify(v), label: 'random JSON value' }));

const truncated = fc.tuple(methodRequest, fc.double({ min: 0, max: 1, noNaN: true })).map(
  ([request, at]): Fuzzed => ({ text: request.text.slice(0, Math.floor(request.text.length * at)), label: `truncated ${request.label}` }),
);

const batch = fc.array(fc.oneof(methodRequest, envelopeMutation, randomJson), { minLength: 0, maxLength: 8 }).map(
  (items): Fuzzed => ({ text: `[${items.map((i) => (i.text === '' ? 'null' : i.text)).join(',')}]`, label: `batch of ${items.length}` }),
);

const fuzzed: fc.Arbitrary<Fuzzed> = fc.oneof(
  { weight: 10, arbitrary: methodRequest },
  { weight: 2, arbitrary: envelopeMutation },
  { weight: 2, arbitrary: randomJson },
  { weight: 2, arbitrary: truncated },
  { weight: 1, arbitrary: batch },
);

/** A valid connection.test with a config starts a worker that dials the host; a valid secret.unlock runs scrypt. */
function startsExpensiveWork(descriptor: MethodDescriptor, params: unknown): boolean {
  if (descriptor.method !== 'connection.test' && descriptor.method !== 'secret.unlock') return false;
  const named = Array.isArray(params) && typeof descriptor.positional === 'function' ? descriptor.positional(params) : params;
  const positionalNames = Array.isArray(descriptor.positional) ? descriptor.positional : [];
  const asObject = Array.isArray(named) ? Object.fromEntries(named.map((v, i) => [positionalNames[i] ?? `_${i}`, v])) : named;
  const parsed = descriptor.params.safeParse(asObject);
  return parsed.success && (descriptor.method === 'secret.unlock' || 'config' in (parsed.data as object));
}

// ---- what JSON-RPC owes each message ---------------------------------------------------------------------------

function validId(id: unknown): boolean {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

function isAnswerOwed(item: unknown): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return true;
  const req = item as Record<string, unknown>;
  if (Object.hasOwn(req, 'id')) return true;
  return req.jsonrpc !== '2.0' || typeof req.method !== 'string';
}

/** 'none', 'single' (with the id it must carry), or 'batch' (one array answer). */
function owed(text: string): { kind: 'none' } | { kind: 'single'; id: unknown } | { kind: 'batch' } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'single', id: null };
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > 1000) return { kind: 'single', id: null };
    return value.some(isAnswerOwed) ? { kind: 'batch' } : { kind: 'none' };
  }
  if (!isAnswerOwed(value)) return { kind: 'none' };
  if (value === null || typeof value !== 'object') return { kind: 'single', id: null };
  const id = (value as Record<string, unknown>).id;
  return { kind: 'single', id: validId(id) ? id : null };
}

/** Why `answer` is not an acceptable JSON-RPC answer of this bridge, or undefined. */
function badAnswer(answer: Answer): string | undefined {
  if (answer === null || typeof answer !== 'object' || answer.jsonrpc !== '2.0') return 'not a JSON-RPC 2.0 answer';
  if ('error' in answer) {
    const error = answer.error as { code?: unknown; message?: unknown };
    if (!PROTOCOL_FAULTS.has(error?.code as number)) return `undocumented protocol fault code ${String(error?.code)}`;
    return typeof error.message === 'string' ? undefined : 'fault without a message';
  }
  const result = answer.result as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (result?.ok === true) return result.data === undefined ? 'ok envelope without data' : undefined;
  if (result?.ok === false) {
    if (typeof result.error?.code !== 'string' || !Object.hasOwn(ERROR_CODES, result.error.code)) return `unregistered error code ${String(result.error?.code)}`;
    return typeof result.error.message === 'string' ? undefined : 'error envelope without a message';
  }
  return 'neither a fault nor an envelope';
}

// ---- the test ---------------------------------------------------------------------------------------------------

describe('fuzzing the JSON-RPC surface of a real bridge', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  let runtimeDir: string;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    runtimeDir = mkdtempSync(join(tmpdir(), 'dbv-fuzz-runtime-'));
    bridge = await startBridgeProcess({
      args: ['--no-ui', '--no-sample', '--enable-debug'],
      env: { DBUS_SESSION_BUS_ADDRESS: undefined, DBV_KEYRING_SESSION: undefined, XDG_RUNTIME_DIR: runtimeDir, DBV_KEYCHAIN_SERVICE: 'dbv-test-fuzz-unused' },
    });
    client = await connectWs(bridge.ready.url, bridge.token);
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await bridge?.stop();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  /** Everything the bridge sent since `from` that is an answer (events are notifications: a method and no id). */
  const answersSince = (from: number): unknown[] =>
    client.messages.slice(from).filter((m) => Array.isArray(m) || !(typeof (m as Answer)?.id === 'undefined' && typeof (m as { method?: unknown }).method === 'string'));

  const waitUntil = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ANSWER_TIMEOUT_MS} ms waiting for ${what}`);
      if (bridge.child.exitCode !== null || bridge.child.signalCode !== null) throw new Error(`the bridge died (${bridge.child.exitCode ?? bridge.child.signalCode}); output: ${bridge.output().slice(-2000)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const sendAndCheck = async ({ text, label }: Fuzzed): Promise<void> => {
    const from = client.messages.length;
    const expected = owed(text);
    client.raw.send(text);
    const sentinel = `sentinel-${++counter}`;
    if (expected.kind === 'none') {
      // Nothing is owed; a ping sent after it proves it was read and executed.
      client.raw.send(JSON.stringify({ jsonrpc: '2.0', id: sentinel, method: 'health.ping' }));
      await waitUntil(() => answersSince(from).some((a) => (a as Answer).id === sentinel), `the sentinel after ${label}`);
    } else {
      await waitUntil(() => answersSince(from).length >= 1, `the answer to ${label}`);
    }
    // Anything late (a second answer, an answer to a notification) would show up in the next message's window.
    const answers = answersSince(from).filter((a) => (a as Answer).id !== sentinel);
    const context = `${label}: ${text.slice(0, 300)}`;
    if (expected.kind === 'none') {
      expect(answers, `a notification was answered — ${context}`).toEqual([]);
      return;
    }
    expect(answers, `exactly one answer — ${context}`).toHaveLength(1);
    const [answer] = answers;
    if (expected.kind === 'batch') {
      expect(Array.isArray(answer), `a batch gets an array — ${context}`).toBe(true);
      for (const item of answer as Answer[]) checkAnswer(item, context);
    } else {
      expect(Array.isArray(answer), `a single request gets one object — ${context}`).toBe(false);
      expect((answer as Answer).id, `the answer carries the request's id — ${context}`).toEqual(expected.id);
      checkAnswer(answer as Answer, context);
    }
  };

  const checkAnswer = (answer: Answer, context: string): void => {
    expect(badAnswer(answer), `${JSON.stringify(answer).slice(0, 300)} — ${context}`).toBeUndefined();
    const result = answer.result as { ok?: boolean; error?: { code: string; message: string } } | undefined;
    if (result?.ok === false && result.error?.code === 'INTERNAL') internalErrors.push(`${result.error.message} — ${context}`);
  };

  it(`answers ${RUNS} random and mutated messages correctly and stays alive`, async () => {
    const started = Date.now();
    await fc.assert(fc.asyncProperty(fuzzed, sendAndCheck), { numRuns: RUNS, endOnFailure: true });
    // A few hand-picked extremes beyond what the generators draw.
    for (const text of [
      '[' + '['.repeat(100_000) + ']'.repeat(100_000) + ']',
      `{"jsonrpc":"2.0","id":"deep-100k","method":"connection.get","params":{"id":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      `[${Array.from({ length: 1001 }, () => '{}').join(',')}]`,
      JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', id: `b${i}`, method: 'health.ping' }))),
      `{"jsonrpc":"2.0","id":1e400,"method":"health.ping"}`,
      `{"jsonrpc":"2.0","id":"dup","id":"dup2","method":"health.ping"}`,
      '\uFEFF{"jsonrpc":"2.0","id":"bom","method":"health.ping"}',
      '',
      ' ',
    ]) {
      await sendAndCheck({ text, label: 'hand-picked extreme' });
    }
    console.log(`fuzz: ${RUNS} messages in ${Date.now() - started} ms; INTERNAL answers: ${internalErrors.length}`);
  }, 180_000);

  it('never answers INTERNAL to bad input (a handler threw something other than a BridgeError)', () => {
    expect(internalErrors.slice(0, 5)).toEqual([]);
  });

  it('is alive, answers health.ping, and its memory stayed bounded', async () => {
    expect(bridge.child.exitCode).toBeNull();
    expect(bridge.child.signalCode).toBeNull();
    expect((await client.call('health.ping', {})).pid).toBe(bridge.child.pid);
    const status = readFileSync(`/proc/${bridge.child.pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    expect(rssKb * 1024).toBeLessThan(MAX_RSS_BYTES);
    const dump = await client.call('debug.dumpState', {});
    expect(dump.memory.rss).toBeLessThan(MAX_RSS_BYTES);
  });

  it('has a clean Object prototype afterwards: connection.create/get/list and secret.status behave', async () => {
    const created = await client.call('connection.create', { config: { name: 'after fuzz', type: 'sqlite', database: join(tmpdir(), 'dbv-fuzz-nonexistent.db') } });
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'database', 'id', 'name', 'storedCredentials', 'type', 'updatedAt']);
    expect(created).toMatchObject({ name: 'after fuzz', type: 'sqlite', storedCredentials: false });
    expect(await client.call('connection.get', { id: created.id })).toEqual(created);
    const list = await client.call('connection.list', {});
    expect(Array.isArray(list)).toBe(true);
    expect(list.find((c) => c.id === created.id)).toEqual(created);
    expect(await client.call('secret.status', {})).toEqual({ backend: 'file', locked: true });
    expect(await client.request('connection.get', { id: 'polluted' })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    // An unknown method named like a prototype member is still unknown.
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'polluted']) {
      client.raw.send(JSON.stringify({ jsonrpc: '2.0', id: `m-${method}`, method }));
    }
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    const byId = (id: string) => client.messages.find((m) => (m as Answer).id === id) as Answer | undefined;
    while (Date.now() < deadline && !byId('m-polluted')) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'polluted']) {
      expect(byId(`m-${method}`)?.error, method).toMatchObject({ code: -32601 });
    }
  });
});
