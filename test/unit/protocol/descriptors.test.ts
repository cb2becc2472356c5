import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_LIST, METHOD_LIST, type MethodDescriptor } from '../../../protocol/index.js';
import { PROTOCOL_MD_PATH, backticked, readIfExists, section, tableRows } from './markdown.js';
import { VALID_PARAMS, wrongTypeFor } from './method-examples.js';
import { paramsByPosition, positionalArgs } from './params-by-position.js';

/** Methods the bridge serves beyond PROTOCOL.md's table (documented as additions in docs/api.md). */
const ADDITIONS_TO_PROTOCOL_MD = ['history.list', 'backup.export'];

const byName = new Map(METHOD_LIST.map((m) => [m.method, m]));

function objectShape(descriptor: MethodDescriptor): Record<string, z.ZodType> | undefined {
  return descriptor.params instanceof z.ZodObject ? (descriptor.params.shape as Record<string, z.ZodType>) : undefined;
}

describe('method and event descriptors', () => {
  it('have unique method names and unique event names', () => {
    const methods = METHOD_LIST.map((m) => m.method);
    const events = EVENT_LIST.map((e) => e.event);
    expect(new Set(methods).size).toBe(methods.length);
    expect(new Set(events).size).toBe(events.length);
    expect(methods.filter((m) => events.includes(m))).toEqual([]);
  });

  it('name methods and events as domain.name', () => {
    for (const name of [...METHOD_LIST.map((m) => m.method), ...EVENT_LIST.map((e) => e.event)]) {
      expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    }
  });

  it.each(METHOD_LIST.filter((m) => Array.isArray(m.positional)).map((m) => [m.method, m] as const))(
    '%s names only keys of its params schema by position, each once',
    (_name, descriptor) => {
      const shape = objectShape(descriptor);
      expect(shape, 'list-positional methods take an object schema').toBeDefined();
      const positional = descriptor.positional as readonly string[];
      expect(new Set(positional).size).toBe(positional.length);
      for (const key of positional) expect(Object.keys(shape!)).toContain(key);
      // Every param can be given by position too; otherwise a positional caller could not reach it.
      expect([...positional].sort()).toEqual(Object.keys(shape!).sort());
    },
  );

  it('send session events to the session owner and every other event to all clients', () => {
    for (const event of EVENT_LIST) expect(event.audience).toBe(event.event.startsWith('query.') ? 'owner' : 'all');
  });
});

describe('params schemas', () => {
  it('have a valid example for every method, and no example for a method that does not exist', () => {
    expect(Object.keys(VALID_PARAMS).sort()).toEqual(METHOD_LIST.map((m) => m.method).sort());
  });

  it.each(METHOD_LIST.map((m) => [m.method, m] as const))('%s accepts its example by name and by position', (name, descriptor) => {
    const example = VALID_PARAMS[name as keyof typeof VALID_PARAMS];
    expect(descriptor.params.safeParse(example).error?.issues).toBeUndefined();
    if (Array.isArray(descriptor.positional)) {
      const named = paramsByPosition(descriptor, positionalArgs(descriptor, example));
      expect(descriptor.params.parse(named)).toEqual(descriptor.params.parse(example));
    }
  });

  it.each(METHOD_LIST.map((m) => [m.method, m] as const))('%s rejects a wrong type in each param', (name, descriptor) => {
    const example = VALID_PARAMS[name as keyof typeof VALID_PARAMS];
    expect(descriptor.params.safeParse('not an object').success).toBe(false);
    for (const [key, value] of Object.entries(example)) {
      const result = descriptor.params.safeParse({ ...example, [key]: wrongTypeFor(value) });
      expect(result.success, `${name} with a wrong-typed "${key}"`).toBe(false);
    }
  });

  it('reject a missing required param', () => {
    expect(byName.get('query.run')!.params.safeParse({ sessionId: 's_1' }).success).toBe(false);
    expect(byName.get('connection.get')!.params.safeParse({}).success).toBe(false);
    expect(byName.get('secret.store')!.params.safeParse({ key: 'app/x' }).success).toBe(false);
  });

  it('enforce the ranges and enums of PROTOCOL.md', () => {
    const run = byName.get('query.run')!.params;
    const base = { sessionId: 's_1', sql: 'SELECT 1' };
    expect(run.safeParse({ ...base, opts: { batchSize: 1 } }).success).toBe(true);
    expect(run.safeParse({ ...base, opts: { batchSize: 50_000 } }).success).toBe(true);
    expect(run.safeParse({ ...base, opts: { batchSize: 0 } }).success).toBe(false);
    expect(run.safeParse({ ...base, opts: { batchSize: 50_001 } }).success).toBe(false);
    expect(run.safeParse({ ...base, opts: { batchSize: 1.5 } }).success).toBe(false);
    expect(run.safeParse({ ...base, opts: { mode: 'cursor' } }).success).toBe(false);
    expect(run.safeParse({ ...base, opts: { rowFormat: 'csv' } }).success).toBe(false);
    expect(run.safeParse({ ...base, sql: '' }).success).toBe(false);

    const create = byName.get('connection.create')!.params;
    expect(create.safeParse({ config: { name: 'x', type: 'oracle' } }).success).toBe(false);
    expect(create.safeParse({ config: { name: 'x', type: 'sqlite', database: '/tmp/a.db' } }).success).toBe(true);
    expect(create.safeParse({ config: { name: 'x', type: 'mysql', port: 70_000 } }).success).toBe(false);

    expect(byName.get('secret.get')!.params.safeParse({ key: 'has space' }).success).toBe(false);
    expect(byName.get('job.list')!.params.safeParse({ status: 'done' }).success).toBe(false);
    expect(byName.get('schedule.create')!.params.safeParse({ ...VALID_PARAMS['schedule.create'], misfire: 'later' }).success).toBe(false);
    expect(byName.get('history.list')!.params.safeParse({ limit: 0 }).success).toBe(false);
  });

  it('take connection.test params as a config object or a connection id, by name or by position', () => {
    const test = byName.get('connection.test')!;
    const config = { name: 'Local', type: 'postgres', host: '127.0.0.1' };
    expect(paramsByPosition(test, ['c_1'])).toEqual({ connectionId: 'c_1' });
    expect(paramsByPosition(test, [config])).toEqual({ config });
    expect(test.params.safeParse({ connectionId: 'c_1' }).success).toBe(true);
    expect(test.params.safeParse({ config }).success).toBe(true);
    expect(test.params.safeParse({ config: { name: 'Local' } }).success).toBe(false);
    expect(test.params.safeParse({}).success).toBe(false);
  });
});

const protocolMd = readIfExists(PROTOCOL_MD_PATH);

describe.skipIf(protocolMd === undefined)('agreement with shared/PROTOCOL.md', () => {
  const methodRows = () => tableRows(section(protocolMd!, 2, 'Methods').body).map(([name, params]) => ({ name: backticked(name)[0], params }));
  const eventRows = () => tableRows(section(protocolMd!, 2, 'Events').body).map(([name]) => backticked(name)[0]);

  it('has a descriptor for every method of its table', () => {
    const missing = methodRows().map((r) => r.name).filter((name) => !byName.has(name));
    expect(missing).toEqual([]);
  });

  it('has no method outside its table except the documented additions', () => {
    const listed = new Set(methodRows().map((r) => r.name));
    const extra = METHOD_LIST.map((m) => m.method).filter((name) => !listed.has(name));
    expect(extra.sort()).toEqual([...ADDITIONS_TO_PROTOCOL_MD].sort());
  });

  it('takes positional params in the order of its table, optional where it marks them "?"', () => {
    for (const row of methodRows()) {
      const descriptor = byName.get(row.name);
      if (!descriptor || typeof descriptor.positional === 'function') continue;
      const names = backticked(row.params);
      expect(descriptor.positional, row.name).toEqual(names.map((n) => n.replace(/\?$/, '')));
      const shape = objectShape(descriptor)!;
      for (const name of names) {
        const key = name.replace(/\?$/, '');
        expect(shape[key].safeParse(undefined).success, `${row.name} ${key} optional`).toBe(name.endsWith('?'));
      }
    }
  });

  it('has a descriptor for every event of its table and no other', () => {
    expect(EVENT_LIST.map((e) => e.event).sort()).toEqual(eventRows().sort());
  });
});
