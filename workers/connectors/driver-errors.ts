/**
 * The parts of turning a networked driver's error into a BridgeError that do not depend on the driver: which
 * socket errors mean "unreachable", unwrapping Node's AggregateError, and building `details` from only the fields
 * that were given (never a password: callers list the fields they copy).
 */
import { BridgeError } from '../../protocol/errors.js';

/** Where a connection was going, for `details`. */
export interface ErrorTarget {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
}

/** Socket-level codes that mean the server could not be reached at all. */
export const NETWORK_UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Node may wrap several failed attempts (IPv4 and IPv6 of `localhost`) in an AggregateError: take the first. */
export function firstCause<E extends { code?: string; errors?: unknown[] }>(err: E): E {
  if (err.code === undefined && Array.isArray(err.errors) && err.errors.length > 0) return err.errors[0] as E;
  return err;
}

/** The fields that have a value (not undefined, null or ''), in the order given, then `extra`. */
export function compactDetails(fields: Record<string, unknown>, extra?: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && value !== '') details[key] = value;
  }
  if (extra) Object.assign(details, extra);
  return details;
}

/** An error that is already a BridgeError keeps its code and message; `extra` (e.g. statementIndex) joins its details. */
export function withExtraDetails(error: BridgeError, extra?: Record<string, unknown>): BridgeError {
  return extra ? new BridgeError(error.code, error.message, { ...error.details, ...extra }, { cause: error.cause }) : error;
}

export function targetFields(target: ErrorTarget): Record<string, unknown> {
  return { host: target.host, port: target.port, database: target.database, user: target.user };
}
