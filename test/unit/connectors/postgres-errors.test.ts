/**
 * The registry code of each node-postgres failure shape. The shapes are the ones pg produces (DatabaseError fields,
 * Node system errors, pg's own timeout messages); the integration tests provoke the real ones this machine allows,
 * and this pins the rest — notably 28P01, which trust authentication on 127.0.0.1 cannot produce here.
 */
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { mapPgConnectError, mapPgQueryError } from '../../../workers/connectors/postgres/postgres-errors.js';

const target = { host: 'db.local', port: 5432, database: 'app', user: 'alice' };
const dbError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`pg says ${code}`), { code, severity: 'FATAL', ...extra });
const sysError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, errno: -111, syscall: 'connect' });

describe('mapPgConnectError', () => {
  it.each([
    [sysError('ECONNREFUSED'), 'DB_CONN_REFUSED'],
    [sysError('EHOSTUNREACH'), 'DB_CONN_REFUSED'],
    [sysError('ENOTFOUND'), 'DB_CONN_REFUSED'],
    [dbError('28P01'), 'DB_AUTH_FAILED'],
    [dbError('28000'), 'DB_AUTH_FAILED'],
    [dbError('3D000'), 'DB_NOT_FOUND'],
    [new Error('timeout expired'), 'DB_TIMEOUT'],
    [new Error('Connection terminated due to connection timeout'), 'DB_TIMEOUT'],
    [new Error('timeout exceeded when trying to connect'), 'DB_TIMEOUT'],
    [dbError('53300'), 'QUERY_FAILED'],
  ] as const)('%s → %s', (error, code) => {
    const mapped = mapPgConnectError(error, target);
    expect(mapped).toBeInstanceOf(BridgeError);
    expect(mapped.code).toBe(code);
    expect(mapped.details).toMatchObject({ host: 'db.local', port: 5432, database: 'app', user: 'alice' });
  });

  it('unwraps the AggregateError Node gives when every address of a name refused', () => {
    const aggregate = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], ''), {});
    expect(mapPgConnectError(aggregate, target).code).toBe('DB_CONN_REFUSED');
  });

  it('keeps sqlState apart from system codes and never copies unknown fields such as a password', () => {
    const mapped = mapPgConnectError(dbError('28P01', { password: 'hunter2', config: { password: 'hunter2' } }), target);
    expect(mapped.details).toMatchObject({ sqlState: '28P01', severity: 'FATAL' });
    expect(JSON.stringify(mapped.toShape())).not.toContain('hunter2');
  });
});

describe('mapPgQueryError', () => {
  it.each([
    ['42601', 'QUERY_SYNTAX_ERROR'],
    ['42P01', 'QUERY_FAILED'],
    ['23505', 'QUERY_FAILED'],
    ['57014', 'QUERY_CANCELLED'],
    ['57P01', 'DB_CONN_LOST'],
    ['ECONNRESET', 'DB_CONN_LOST'],
  ] as const)('%s → %s', (sqlState, code) => {
    expect(mapPgQueryError(dbError(sqlState)).code).toBe(code);
  });

  it('maps pg "Connection terminated unexpectedly" to DB_CONN_LOST', () => {
    expect(mapPgQueryError(new Error('Connection terminated unexpectedly')).code).toBe('DB_CONN_LOST');
  });

  it("keeps DatabaseError's fields and adds the statement index", () => {
    const error = dbError('23503', {
      severity: 'ERROR', position: '17', hint: 'h', detail: 'Key (a)=(1) is not present', schema: 's', table: 't', column: 'c',
      constraint: 'fk', dataType: 'int4', where: 'w', routine: 'ri_ReportViolation',
    });
    expect(mapPgQueryError(error, { statementIndex: 2 }).details).toEqual({
      sqlState: '23503', severity: 'ERROR', position: 17, hint: 'h', detail: 'Key (a)=(1) is not present', schema: 's', table: 't',
      column: 'c', constraint: 'fk', dataType: 'int4', where: 'w', routine: 'ri_ReportViolation', statementIndex: 2,
    });
  });
});
