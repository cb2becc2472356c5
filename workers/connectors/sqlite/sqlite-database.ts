/**
 * Opening a better-sqlite3 handle for a connection, and turning what better-sqlite3 throws into BridgeErrors.
 */
import Database from 'better-sqlite3';
import { BridgeError } from '../../../protocol/errors.js';
import type { ConnectionConfig, ErrorCode } from '../../../protocol/index.js';
import { registerJsonRowFunctions } from './sqlite-json-rows.js';

export type SqliteDatabase = Database.Database;

const MEMORY = ':memory:';
/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** The file path of the connection; `:memory:` gives every handle its own private database. */
export function databasePath(config: ConnectionConfig): string {
  const path = config.database?.trim();
  if (path === undefined || path === '') {
    throw new BridgeError('INVALID_PARAMS', 'A SQLite connection needs the database file path in "database".');
  }
  return path;
}

/**
 * Opens a handle that returns 64-bit integers as BigInt (json-safe turns them into exact strings).
 * A missing file is DB_NOT_FOUND rather than silently creating an empty database — unless the config says
 * `extra.create: true` (the supervisor has checked its path: absolute, not read-only), which creates it.
 */
export function openDatabase(config: ConnectionConfig): SqliteDatabase {
  const path = databasePath(config);
  const memory = path === MEMORY;
  const create = config.extra?.create === true;
  let db: SqliteDatabase;
  try {
    db = new Database(path, {
      readonly: memory || create ? false : config.extra?.readOnly === true,
      fileMustExist: !memory && !create,
      timeout: BUSY_TIMEOUT_MS,
    });
  } catch (err) {
    throw openError(err, path);
  }
  db.defaultSafeIntegers(true);
  registerJsonRowFunctions(db);
  return db;
}

function openError(err: unknown, path: string): BridgeError {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  // better-sqlite3 checks the directory itself (TypeError, no code) before SQLite reports SQLITE_CANTOPEN.
  if (e.code === 'SQLITE_CANTOPEN' || /directory does not exist/.test(message)) {
    return new BridgeError('DB_NOT_FOUND', `SQLite database file not found or not readable: ${path}`, { path }, { cause: err });
  }
  return toBridgeError(err);
}

const SYNTAX = /syntax error|incomplete input|unrecognized token/i;

/** Maps a better-sqlite3 failure to a registry code, keeping SQLite's own code in details. */
export function toBridgeError(err: unknown, details: Record<string, unknown> = {}): BridgeError {
  if (err instanceof BridgeError) {
    return Object.keys(details).length === 0 ? err : new BridgeError(err.code, err.message, { ...err.details, ...details }, { cause: err.cause });
  }
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e !== null && typeof e === 'object' && e.name === 'SqliteError' && typeof e.code === 'string') {
    const code = sqliteCodeToBridge(e.code, message);
    return new BridgeError(code, message, { sqliteCode: e.code, ...details }, { cause: err });
  }
  // RangeError/TypeError from better-sqlite3's binding layer: wrong number or kind of parameters.
  return new BridgeError('QUERY_FAILED', message, details, { cause: err });
}

function sqliteCodeToBridge(sqliteCode: string, message: string): ErrorCode {
  if (sqliteCode === 'SQLITE_INTERRUPT') return 'QUERY_CANCELLED';
  if (sqliteCode === 'SQLITE_ERROR' && SYNTAX.test(message)) return 'QUERY_SYNTAX_ERROR';
  if (sqliteCode === 'SQLITE_CANTOPEN') return 'DB_NOT_FOUND';
  if (sqliteCode === 'SQLITE_BUSY' || sqliteCode.startsWith('SQLITE_BUSY_')) return 'DB_TIMEOUT';
  return 'QUERY_FAILED';
}

/**
 * JSON values from the wire as SQLite can bind them (it takes numbers, strings, bigints, buffers and null only).
 * better-sqlite3 binds every JS number as a REAL, so whole numbers go as BigInt to be stored as INTEGER.
 */
export function toSqliteParam(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'object') {
    const b64 = (value as { $base64?: unknown }).$base64;
    if (typeof b64 === 'string' && Object.keys(value).length === 1) return Buffer.from(b64, 'base64');
    return JSON.stringify(value);
  }
  return String(value);
}
