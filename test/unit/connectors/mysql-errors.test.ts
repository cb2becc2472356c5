/** The registry code of each mysql2 failure shape (the real ones are provoked in test/integration/mysql). */
import { describe, expect, it } from 'vitest';
import { mapMysqlConnectError, mapMysqlQueryError } from '../../../workers/connectors/mysql/mysql-errors.js';

const target = { host: 'db.local', port: 3306, database: 'app', user: 'alice' };
const serverError = (errno: number, code: string, sqlState = 'HY000') =>
  Object.assign(new Error(`${code} message`), { errno, code, sqlState, sqlMessage: `${code} message`, fatal: false });
const sysError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, errno: code, fatal: true });

describe('mapMysqlConnectError', () => {
  it.each([
    [sysError('ECONNREFUSED'), 'DB_CONN_REFUSED'],
    [sysError('EHOSTUNREACH'), 'DB_CONN_REFUSED'],
    [sysError('ENOTFOUND'), 'DB_CONN_REFUSED'],
    [sysError('ETIMEDOUT'), 'DB_TIMEOUT'],
    [serverError(1045, 'ER_ACCESS_DENIED_ERROR', '28000'), 'DB_AUTH_FAILED'],
    [serverError(1044, 'ER_DBACCESS_DENIED_ERROR', '42000'), 'DB_AUTH_FAILED'],
    [serverError(1049, 'ER_BAD_DB_ERROR', '42000'), 'DB_NOT_FOUND'],
    [serverError(1040, 'ER_CON_COUNT_ERROR'), 'QUERY_FAILED'],
  ] as const)('%s → %s', (error, code) => {
    const mapped = mapMysqlConnectError(error, target);
    expect(mapped.code).toBe(code);
    expect(mapped.details).toMatchObject(target);
  });

  it('copies only known fields (never the SQL text or a password)', () => {
    const error = Object.assign(serverError(1045, 'ER_ACCESS_DENIED_ERROR', '28000'), { sql: 'SELECT secret', password: 'hunter2' });
    const shape = JSON.stringify(mapMysqlConnectError(error, target).toShape());
    expect(shape).not.toContain('hunter2');
    expect(shape).not.toContain('SELECT secret');
  });
});

describe('mapMysqlQueryError', () => {
  it.each([
    [serverError(1064, 'ER_PARSE_ERROR', '42000'), 'QUERY_SYNTAX_ERROR'],
    [serverError(1317, 'ER_QUERY_INTERRUPTED', '70100'), 'QUERY_CANCELLED'],
    [serverError(1146, 'ER_NO_SUCH_TABLE', '42S02'), 'QUERY_FAILED'],
    [sysError('PROTOCOL_CONNECTION_LOST'), 'DB_CONN_LOST'],
    [sysError('ECONNRESET'), 'DB_CONN_LOST'],
    [serverError(1927, 'ER_CONNECTION_KILLED', '70100'), 'DB_CONN_LOST'],
  ] as const)('%s → %s', (error, code) => expect(mapMysqlQueryError(error).code).toBe(code));

  it('keeps errno, code and sqlState, and adds the statement index', () => {
    expect(mapMysqlQueryError(serverError(1062, 'ER_DUP_ENTRY', '23000'), { statementIndex: 3 }).details).toEqual({
      code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', statementIndex: 3,
    });
  });
});
