/**
 * node-postgres failures → BridgeError with a registry code. Keeps what the driver knew the way pg's DatabaseError
 * does (sqlState, position, hint, detail, table, column, constraint…) and never the password: pg errors do not carry
 * the config, and only the fields listed here are copied.
 */
import { BridgeError } from '../../../protocol/errors.js';
import type { ErrorCode } from '../../../protocol/index.js';
import { compactDetails, firstCause, NETWORK_UNREACHABLE, targetFields, withExtraDetails, type ErrorTarget } from '../driver-errors.js';
import { mapTlsFailure } from '../tls-errors.js';

interface PgErrorLike {
  message?: string;
  code?: string;
  errno?: number | string;
  syscall?: string;
  address?: string;
  port?: number;
  severity?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  hint?: string;
  detail?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  routine?: string;
  errors?: unknown[];
}

export type PgErrorTarget = ErrorTarget;

const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
// Class 08 is "connection exception"; 57P01..57P03 are admin/crash shutdown and "cannot connect now".
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
// pg's own messages when its connect timer fires (Client: stream destroyed with 'timeout expired'; Pool: checkout).
const CONNECT_TIMEOUT_MESSAGES = [
  'timeout expired',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
];

function isConnectTimeout(err: PgErrorLike): boolean {
  const message = err.message ?? '';
  return CONNECT_TIMEOUT_MESSAGES.some((m) => message.includes(m));
}

function driverDetails(err: PgErrorLike, target: PgErrorTarget, extra?: Record<string, unknown>): Record<string, unknown> {
  const isSqlState = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
  return compactDetails(
    {
      ...targetFields(target),
      [isSqlState ? 'sqlState' : 'code']: err.code,
      errno: err.errno,
      syscall: err.syscall,
      severity: err.severity,
      position: err.position === undefined ? undefined : Number(err.position),
      internalPosition: err.internalPosition === undefined ? undefined : Number(err.internalPosition),
      internalQuery: err.internalQuery,
      hint: err.hint,
      detail: err.detail,
      where: err.where,
      schema: err.schema,
      table: err.table,
      column: err.column,
      dataType: err.dataType,
      constraint: err.constraint,
      routine: err.routine,
    },
    extra,
  );
}

function messageOf(err: PgErrorLike): string {
  return err.message && err.message.length > 0 ? err.message : 'Unknown PostgreSQL error';
}

/** Failures while opening a connection (testConnection, pool checkout, session lease). */
export function mapPgConnectError(raw: unknown, target: PgErrorTarget): BridgeError {
  if (raw instanceof BridgeError) return raw;
  const err = firstCause((raw ?? {}) as PgErrorLike);
  const tls = mapTlsFailure(err, target);
  if (tls) return tls;
  let code: ErrorCode;
  if (isConnectTimeout(err) || isConnectTimeout((raw ?? {}) as PgErrorLike)) code = 'DB_TIMEOUT';
  else if (err.code !== undefined && NETWORK_UNREACHABLE.has(err.code)) code = 'DB_CONN_REFUSED';
  // 28P01 invalid_password, 28000 invalid_authorization_specification (no pg_hba entry, unknown role, NOLOGIN).
  else if (err.code === '28P01' || err.code === '28000') code = 'DB_AUTH_FAILED';
  else if (err.code === '3D000') code = 'DB_NOT_FOUND';
  else if (err.code !== undefined && (CONNECTION_LOST.has(err.code) || LOST_SQLSTATES.has(err.code))) code = 'DB_CONN_REFUSED';
  else if (/Connection terminated unexpectedly/i.test(err.message ?? '')) code = 'DB_CONN_REFUSED';
  else code = 'QUERY_FAILED';
  return new BridgeError(code, messageOf(err), driverDetails(err, target), { cause: raw });
}

/** Failures of a statement on an established connection. */
export function mapPgQueryError(raw: unknown, extra?: Record<string, unknown>): BridgeError {
  if (raw instanceof BridgeError) return withExtraDetails(raw, extra);
  const err = firstCause((raw ?? {}) as PgErrorLike);
  let code: ErrorCode;
  // Class 42 holds both syntax errors (42601) and "undefined table" (42P01); only the former is a syntax error.
  if (err.code === '42601') code = 'QUERY_SYNTAX_ERROR';
  else if (err.code === '57014') code = 'QUERY_CANCELLED';
  else if (err.code !== undefined && (CONNECTION_LOST.has(err.code) || LOST_SQLSTATES.has(err.code))) code = 'DB_CONN_LOST';
  else if (/Connection terminated|Client has encountered a connection error|not queryable/i.test(err.message ?? '')) {
    code = 'DB_CONN_LOST';
  } else code = 'QUERY_FAILED';
  return new BridgeError(code, messageOf(err), driverDetails(err, {}, extra), { cause: raw });
}
