import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { fromThrownWire, toBridgeError, toThrownWire } from '../../../workers/channel/error-transfer.js';

/** The wire form goes through a structured clone in both isolations. */
const across = (thrown: unknown) => fromThrownWire(structuredClone(toThrownWire(thrown)));

describe('errors across the worker boundary', () => {
  it('a BridgeError arrives as a BridgeError with its code and details', () => {
    const error = across(new BridgeError('DB_AUTH_FAILED', 'denied', { sqlState: '28P01', host: 'db' }));
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'DB_AUTH_FAILED', message: 'denied', details: { sqlState: '28P01', host: 'db' } });
  });

  it("a driver Error keeps its name and its own code (pg's '42P01')", () => {
    const error = across(Object.assign(new Error('relation does not exist'), { name: 'DatabaseError', code: '42P01' }));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ name: 'DatabaseError', code: '42P01', message: 'relation does not exist' });
  });

  it('leaves the stack behind', () => {
    expect(toThrownWire(new Error('x')).value).not.toHaveProperty('stack');
  });

  it('passes a thrown non-Error through as it is', () => {
    expect(across('plain')).toBe('plain');
  });

  it('toBridgeError uses the fallback code only when there is no registry code', () => {
    expect(toBridgeError(Object.assign(new Error('t'), { code: 'DB_TIMEOUT' }), 'INTERNAL').code).toBe('DB_TIMEOUT');
    expect(toBridgeError(new Error('t'), 'QUERY_FAILED').toShape()).toEqual({ code: 'QUERY_FAILED', message: 't' });
  });
});
