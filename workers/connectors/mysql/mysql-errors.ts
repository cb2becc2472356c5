/**
 * mysql2 failures → BridgeError with a registry code. Details keep what the server said (errno, code, sqlState) and
 * the target (host, port, database, user) — never the password, which mysql2 errors do not carry; only the fields
 * listed here are copied (not `err.sql`, which can be megabytes).
 */
import { BridgeError } from '../../../protocol/errors.js';
import type { ErrorCode } from '../../../protocol/index.js';
import { compactDetails, firstCause, NETWORK_UNREACHABLE, targetFields, withExtraDetails, type ErrorTarget } from '../driver-errors.js';
import { mapTlsFailure } from '../tls-errors.js';

interface MysqlErrorLike {
  message?: string;
  code?: string;
  errno?: number | string;
  sqlState?: string;
  sqlMessage?: string;
  syscall?: string;
  fatal?: boolean;
  errors?: unknown[];
}

export type MysqlErrorTarget = ErrorTarget;

// 1045 access denied, 1044 no access to the database, 1698 access denied without a password (unix_socket users),
// 1251 the client does not support the server's auth plugin.
const AUTH_ERRNOS = new Set([1045, 1044, 1698, 1251]);
const LOST = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED']);
// 2006 server has gone away, 2013 lost connection during query, 1927 connection killed (MariaDB), 1053 shutdown.
const LOST_ERRNOS = new Set([2006, 2013, 1927, 1053]);

function errnoOf(err: MysqlErrorLike): number | undefined {
  return typeof err.errno === 'number' ? err.errno : undefined;
}

function driverDetails(err: MysqlErrorLike, target: MysqlErrorTarget, extra?: Record<string, unknown>): Record<string, unknown> {
  return compactDetails(
    {
      ...targetFields(target),
      code: err.code,
      errno: err.errno,
      sqlState: err.sqlState,
      syscall: err.syscall,
      fatal: err.fatal === true ? true : undefined,
    },
    extra,
  );
}

function messageOf(err: MysqlErrorLike): string {
  return err.sqlMessage || err.message || 'Unknown MySQL error';
}

/** Failures while opening a connection (testConnection, pool checkout, session lease). */
export function mapMysqlConnectError(raw: unknown, target: MysqlErrorTarget): BridgeError {
  if (raw instanceof BridgeError) return raw;
  const err = firstCause((raw ?? {}) as MysqlErrorLike);
  const tls = mapTlsFailure(err, target);
  if (tls) return tls;
  const errno = errnoOf(err);
  let code: ErrorCode;
  // mysql2's connectTimeout fires with code ETIMEDOUT; so does a TCP connect that the kernel gives up on.
  if (err.code === 'ETIMEDOUT') code = 'DB_TIMEOUT';
  else if (err.code !== undefined && NETWORK_UNREACHABLE.has(err.code)) code = 'DB_CONN_REFUSED';
  else if (errno !== undefined && AUTH_ERRNOS.has(errno)) code = 'DB_AUTH_FAILED';
  else if (errno === 1049 || err.code === 'ER_BAD_DB_ERROR') code = 'DB_NOT_FOUND';
  else if ((err.code !== undefined && LOST.has(err.code)) || (errno !== undefined && LOST_ERRNOS.has(errno))) code = 'DB_CONN_REFUSED';
  else code = 'QUERY_FAILED';
  return new BridgeError(code, messageOf(err), driverDetails(err, target), { cause: raw });
}

/** Failures of a statement on an established connection. */
export function mapMysqlQueryError(raw: unknown, extra?: Record<string, unknown>): BridgeError {
  if (raw instanceof BridgeError) return withExtraDetails(raw, extra);
  const err = firstCause((raw ?? {}) as MysqlErrorLike);
  const errno = errnoOf(err);
  let code: ErrorCode;
  // 1064 ER_PARSE_ERROR; 1149 ER_SYNTAX_ERROR (older servers' generic syntax error).
  if (errno === 1064 || errno === 1149) code = 'QUERY_SYNTAX_ERROR';
  // 1317 ER_QUERY_INTERRUPTED (KILL QUERY); 3024 / 1969 max_execution_time / max_statement_time exceeded.
  else if (errno === 1317 || errno === 3024 || errno === 1969) code = 'QUERY_CANCELLED';
  else if ((err.code !== undefined && LOST.has(err.code)) || (errno !== undefined && LOST_ERRNOS.has(errno))) code = 'DB_CONN_LOST';
  else if (err.fatal === true) code = 'DB_CONN_LOST';
  else code = 'QUERY_FAILED';
  return new BridgeError(code, messageOf(err), driverDetails(err, {}, extra), { cause: raw });
}
