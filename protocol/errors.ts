/**
 * The one registry of error codes the bridge may put in an envelope's `error.code`.
 * docs/api.md lists every code; test/unit/protocol/api-doc.test.ts fails when the two disagree.
 */
export const ERROR_CODES = {
  DB_CONN_REFUSED: 'The database server refused the connection or could not be reached.',
  DB_AUTH_FAILED: 'The database rejected the credentials.',
  DB_TIMEOUT: 'Connecting to the database, or a query, took longer than its timeout.',
  DB_CONN_LOST: 'An established database connection was lost.',
  DB_NOT_FOUND: 'The database (or SQLite file) does not exist.',
  QUERY_SYNTAX_ERROR: 'The database could not parse the SQL.',
  QUERY_FAILED: 'The database rejected the statement for another reason (constraint, permission, missing table…).',
  QUERY_CANCELLED: 'The run was cancelled before it finished.',
  SESSION_NOT_FOUND: 'No session with that id exists for this client.',
  SESSION_BUSY: 'The session is already running a statement list.',
  SESSION_LIMIT: "The connection already has as many sessions open as its maxSessions allows; close one first.",
  CONNECTION_NOT_FOUND: 'No saved connection with that id exists.',
  WORKER_CRASHED: "The connection's worker died; it is being restarted.",
  BACKUP_FAILED: 'A backup job failed.',
  BACKUP_NOT_FOUND: 'No backup with that id exists.',
  RESTORE_FAILED: 'A restore job failed.',
  JOB_NOT_FOUND: 'No job with that id exists.',
  TOOL_NOT_FOUND: 'A native tool the job needs (pg_dump, mariadb-dump…) is not installed.',
  INVALID_PATH: 'A file path is outside the places the bridge may read or write.',
  KEYCHAIN_UNAVAILABLE: 'Neither the OS keychain nor the encrypted secrets file can be used.',
  SECRET_LOCKED: 'The encrypted secrets file is locked, or the master password is wrong.',
  FORBIDDEN: 'The request is not allowed.',
  INVALID_PARAMS: 'The params passed schema validation but are not acceptable (for example an unknown connector type).',
  DB_TLS_FAILED: 'The TLS handshake with the database failed (unknown CA, hostname mismatch, the server does not support TLS…).',
  SSH_HOST_UNKNOWN: "The SSH server's host key is not pinned yet; details carry its SHA256 fingerprint.",
  SSH_HOST_KEY_CHANGED: "The SSH server's host key differs from the pinned one; the connection was refused.",
  SSH_AUTH_FAILED: 'The SSH server rejected the credentials (password, key or agent).',
  SSH_FAILED: 'The SSH tunnel could not be opened or was lost (bastion unreachable, handshake failed, forwarding refused).',
  CHART_NOT_FOUND: 'No saved chart with that id exists.',
  INTERNAL: 'An unexpected fault inside the bridge.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** What travels in `error` of an envelope and of `query.error`. */
export interface BridgeErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The error every layer throws for an expected failure. It survives the worker boundary because it is plain data:
 * `toShape()` on one side, `BridgeError.from()` on the other.
 */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  /**
   * `options.cause`: the driver's own error this one was made from. It never travels (toShape leaves it out); the
   * worker turns it into `details.raw` only at log level debug, secrets masked (workers/error-diagnostics.ts).
   */
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BridgeError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  toShape(): BridgeErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds a BridgeError from anything that looks like one; anything else becomes INTERNAL. */
  static from(value: unknown): BridgeError {
    if (value instanceof BridgeError) return value;
    if (value !== null && typeof value === 'object') {
      const v = value as { code?: unknown; message?: unknown; details?: unknown };
      const message = typeof v.message === 'string' ? v.message : 'Unknown error';
      const details = v.details !== null && typeof v.details === 'object' ? (v.details as Record<string, unknown>) : undefined;
      if (isErrorCode(v.code)) return new BridgeError(v.code, message, details);
      return new BridgeError('INTERNAL', message, details);
    }
    return new BridgeError('INTERNAL', String(value));
  }
}

/** The one SESSION_BUSY, wherever a second run (or page request) meets a session that is busy. */
export function sessionBusyError(details?: Record<string, unknown>, message = 'The session is already running a statement list'): BridgeError {
  return new BridgeError('SESSION_BUSY', message, details);
}

/** The one DB_TIMEOUT of a run that went past its `timeoutMs` (connect timeouts are the drivers' own). */
export function runTimeoutError(timeoutMs: number | undefined): BridgeError {
  return new BridgeError('DB_TIMEOUT', `The query took longer than its timeout of ${timeoutMs} ms`, { timeoutMs });
}

/** The one SESSION_LIMIT: answered at once when a connection already holds `maxSessions` sessions. */
export function sessionLimitError(maxSessions: number): BridgeError {
  return new BridgeError('SESSION_LIMIT', `This connection already has its limit of ${maxSessions} open sessions; close one first`, {
    maxSessions,
  });
}

/** JSON-RPC 2.0 protocol-fault codes; used only for faults of the message itself, never for a method's failure. */
export const RPC_ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;
