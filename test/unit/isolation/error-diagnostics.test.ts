/**
 * details.raw: the driver's own message and stack, attached by the worker only at log level debug, with every secret
 * of the connection's config masked — even where a driver echoes one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/errors.js';
import { SECRET_CONFIG_PATHS, secretValueAt } from '../../../protocol/secret-fields.js';
import { configureErrorDiagnostics, MASK, rawDiagnosticsOf, withRawDiagnostics } from '../../../workers/channel/error-diagnostics.js';
import { toBridgeError, toThrownWire } from '../../../workers/channel/error-transfer.js';

const SECRET = 'hunter2-very-secret';
const PASSPHRASE = 'ssh-pass-phrase';

/** A driver error that (badly) echoes a secret in its message, and so in its stack. */
function driverError(): Error & { code: string } {
  const error = new Error(`access denied for "app" using password '${SECRET}' and key ${PASSPHRASE}`) as Error & { code: string };
  error.code = 'ER_ACCESS_DENIED_ERROR';
  return error;
}

function mapped(): BridgeError {
  return new BridgeError('DB_AUTH_FAILED', 'The database rejected the credentials', { user: 'app' }, { cause: driverError() });
}

const config = { name: 'c', type: 'mysql', password: SECRET, ssh: { host: 'h', user: 'u', passphrase: PASSPHRASE } };
const secretsOf = (c: object) => SECRET_CONFIG_PATHS.map((path) => secretValueAt(c, path));

afterEach(() => configureErrorDiagnostics(false, []));

describe('details.raw', () => {
  it('is absent when the log level is not debug', () => {
    configureErrorDiagnostics(false, secretsOf(config));
    expect(rawDiagnosticsOf(mapped())).toBeUndefined();
    expect(withRawDiagnostics(mapped()).details).toEqual({ user: 'app' });
    expect(toBridgeError(mapped(), 'QUERY_FAILED').details).toEqual({ user: 'app' });
    expect(toBridgeError(driverError(), 'QUERY_FAILED').details).toEqual({ driverCode: 'ER_ACCESS_DENIED_ERROR' });
    const wire = toThrownWire(mapped());
    expect(JSON.stringify(wire)).not.toContain('raw');
  });

  it('at debug: carries the driver message and stack of the cause, every secret masked', () => {
    configureErrorDiagnostics(true, secretsOf(config));
    const error = withRawDiagnostics(mapped());
    expect(error.code).toBe('DB_AUTH_FAILED');
    expect(error.details).toMatchObject({ user: 'app', raw: { name: 'Error', message: expect.stringContaining('access denied') } });
    const raw = (error.details as { raw: { message: string; stack: string } }).raw;
    expect(raw.stack).toContain('driverError');
    expect(raw.message).toBe(`access denied for "app" using password '${MASK}' and key ${MASK}`);
    expect(JSON.stringify(error.details)).not.toContain(SECRET);
    expect(JSON.stringify(error.details)).not.toContain(PASSPHRASE);
  });

  it('at debug: rides the worker boundary (rpc errors and run errors alike), masked', () => {
    configureErrorDiagnostics(true, secretsOf(config));
    const wire = toThrownWire(mapped());
    expect(wire).toMatchObject({ isError: true, value: { code: 'DB_AUTH_FAILED', details: { user: 'app', raw: { message: expect.any(String) } } } });
    expect(JSON.stringify(wire)).not.toContain(SECRET);
    const unmapped = toBridgeError(driverError(), 'QUERY_FAILED');
    expect(unmapped.details).toMatchObject({ driverCode: 'ER_ACCESS_DENIED_ERROR', raw: { message: expect.stringContaining(MASK) } });
    expect(JSON.stringify(unmapped.details)).not.toContain(SECRET);
    const plain = toThrownWire(driverError()) as { value: { details?: object } };
    expect(plain.value.details).toMatchObject({ raw: { message: expect.stringContaining(MASK) } });
    expect(JSON.stringify(plain.value.details)).not.toContain(SECRET);
  });

  it("is never added to the bridge's own errors, which have no driver behind them", () => {
    configureErrorDiagnostics(true, secretsOf(config));
    const own = new BridgeError('SESSION_BUSY', 'busy', { sessionId: 's' });
    expect(withRawDiagnostics(own)).toBe(own);
    expect(toThrownWire(own)).toEqual({ isError: true, value: { name: 'BridgeError', message: 'busy', code: 'SESSION_BUSY', details: { sessionId: 's' } } });
  });

  it('masks a secret that contains another whole, and ignores values too short to mask safely', () => {
    configureErrorDiagnostics(true, ['abcd', 'abcdefgh', 'x', undefined]);
    const error = withRawDiagnostics(new BridgeError('QUERY_FAILED', 'f', undefined, { cause: new Error('key abcdefgh and abcd, x stays') }));
    expect((error.details as { raw: { message: string } }).raw.message).toBe(`key ${MASK} and ${MASK}, x stays`);
  });
});
