import { z } from 'zod';
import { defineMethod } from './descriptor.js';

/** The connector types of the public API. (A test-only type exists in a bridge run with --enable-fault-injection.) */
export const CONNECTOR_TYPES = ['postgres', 'mysql', 'sqlite'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** Where a connection's driver runs: a worker thread or a child process (docs/architecture.md "Isolation"). */
export const WORKER_ISOLATIONS = ['thread', 'process'] as const;
export type WorkerIsolation = (typeof WORKER_ISOLATIONS)[number];

const text = z.string().max(65_536);

/**
 * TLS to the database, libpq's modes (docs/api.md "TLS and SSH"): disable — plain; prefer — TLS when the server
 * offers it, unverified; require — TLS, unverified unless a CA is given; verify-ca — the chain must lead to `ca`;
 * verify-full — and the certificate must name the host. Without `mode`, an `ssl` object means verify-full unless
 * `rejectUnauthorized: false` (which means require), as before modes existed.
 */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const sslConfigSchema = z.object({
  mode: z.enum(SSL_MODES).optional(),
  rejectUnauthorized: z.boolean().optional(),
  ca: text.optional(),
  cert: text.optional(),
  key: text.optional(),
});

export const sshConfigSchema = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535).optional(),
  user: z.string().min(1).max(255),
  /** Password authentication (secret). */
  password: z.string().max(4096).optional(),
  /** Private-key authentication: the key in OpenSSH or PEM form (secret), and its passphrase (secret). */
  privateKey: text.optional(),
  passphrase: z.string().max(4096).optional(),
  /** Agent authentication through the bridge's SSH_AUTH_SOCK. */
  agent: z.boolean().optional(),
  /** Seconds between keep-alive probes (default 15); after 3 unanswered ones the tunnel counts as lost. */
  keepAliveIntervalSec: z.number().int().min(1).max(3600).optional(),
});

/** Per-connection tuning that is not part of the database address. */
export const connectionExtraSchema = z
  .object({
    /** Where the driver runs: a worker thread (pg, mysql2 default) or a child process (better-sqlite3 default). */
    isolation: z.enum(WORKER_ISOLATIONS).optional(),
    /** Connections shared by metadata, tests and cancels; sessions do not use them. */
    poolSize: z.number().int().min(1).max(100).optional(),
    /** How many query sessions (each with its own database connection) may be open at once; default 32. */
    maxSessions: z.number().int().min(1).max(1000).optional(),
    connectTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    idleTimeoutMs: z.number().int().min(1000).max(86_400_000).optional(),
    /** SQLite: open read-only. */
    readOnly: z.boolean().optional(),
    /**
     * SQLite: create the database file when it does not exist (an absolute path in an existing directory). Without it
     * a missing file is DB_NOT_FOUND, so a typo in a path never silently makes an empty database.
     */
    create: z.boolean().optional(),
  })
  .catchall(z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]));

/**
 * The config schema for a list of connector types: the public one is `connectionConfigSchema` below; the supervisor
 * builds a second one, with its test-only type added, when it runs with --enable-fault-injection.
 */
export function connectionConfigSchemaFor<const T extends readonly [string, ...string[]]>(types: T) {
  return z.object({
    name: z.string().min(1).max(200),
    type: z.enum(types),
    host: z.string().max(255).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    user: z.string().max(255).optional(),
    password: z.string().max(4096).optional(),
    /** Database name; for SQLite the path of the database file. */
    database: z.string().max(4096).optional(),
    socketPath: z.string().max(4096).optional(),
    ssl: sslConfigSchema.optional(),
    ssh: sshConfigSchema.optional(),
    extra: connectionExtraSchema.optional(),
  });
}

export const connectionConfigSchema = connectionConfigSchemaFor(CONNECTOR_TYPES);
export type ConnectionConfig = z.output<typeof connectionConfigSchema>;

/** For `connection.update`: every field optional; omitted secret fields keep their stored value. */
export const connectionPatchSchema = connectionConfigSchema.partial();
export type ConnectionPatch = z.output<typeof connectionPatchSchema>;

/** The secret-bearing fields of a config, as paths. They are never stored in app.db nor returned. */
export { SECRET_CONFIG_PATHS, secretValueAt, type SecretConfigPath } from './secret-fields.js';

/** A saved connection as the API returns it: never a secret, only whether some are stored. */
export interface Connection {
  id: string;
  name: string;
  type: ConnectorType;
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  socketPath?: string;
  ssl?: Omit<z.output<typeof sslConfigSchema>, 'key'>;
  ssh?: Omit<z.output<typeof sshConfigSchema>, 'password' | 'privateKey' | 'passphrase'>;
  extra?: z.output<typeof connectionExtraSchema>;
  storedCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One hop of a connection test, in the order they are crossed: the SSH tunnel, the TLS handshake, the database. */
export interface ConnectionTestHop {
  hop: 'ssh' | 'tls' | 'database';
  ok: boolean;
  latencyMs: number;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export interface ConnectionTestResult {
  ok: boolean;
  message?: string;
  serverVersion?: string;
  latencyMs: number;
  /** When ok is false: the registry code of the failure, and what the driver knew. */
  error?: { code: string; message: string; details?: Record<string, unknown> };
  /** Each hop tried, in order; a failed hop is the last one (the hops after it were not tried). */
  hops?: ConnectionTestHop[];
}

/** A pinned SSH host key (connection.trustHostKey's result). */
export interface TrustedHostKey {
  host: string;
  port: number;
  fingerprint: string;
  /** The fingerprint that was pinned before for this host and port, now replaced. */
  replaced?: string;
}

/** OpenSSH's SHA256 fingerprint form: `SHA256:` and 43 characters of unpadded base64. */
export const hostKeyFingerprintSchema = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256:… fingerprint');

const id = z.string().min(1).max(200);

/** The connection.* methods over a config schema and its patch (the public ones, or the fault-injection bridge's). */
export function connectionMethodsFor<S extends z.ZodType, P extends z.ZodType>(configSchema: S, patchSchema: P) {
  return {
    create: defineMethod<Connection>()('connection.create', z.object({ config: configSchema }), ['config']),
    test: defineMethod<ConnectionTestResult>()(
      'connection.test',
      z.union([z.object({ config: configSchema }), z.object({ connectionId: id })]),
      (args) => (typeof args[0] === 'string' ? { connectionId: args[0] } : { config: args[0] }),
    ),
    list: defineMethod<Connection[]>()('connection.list', z.object({}), []),
    get: defineMethod<Connection>()('connection.get', z.object({ id }), ['id']),
    update: defineMethod<Connection>()('connection.update', z.object({ id, config: patchSchema }), ['id', 'config']),
    delete: defineMethod<Record<string, never>>()('connection.delete', z.object({ id }), ['id']),
  };
}

export const connectionMethods = {
  ...connectionMethodsFor(connectionConfigSchema, connectionPatchSchema),
  trustHostKey: defineMethod<TrustedHostKey>()(
    'connection.trustHostKey',
    z.union([
      z.object({ connectionId: id, fingerprint: hostKeyFingerprintSchema }),
      z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65_535).optional(), fingerprint: hostKeyFingerprintSchema }),
    ]),
    // By position only the saved-connection form ([connectionId, fingerprint]); the host form is given by name.
    (args) => ({ connectionId: args[0], fingerprint: args[1] }),
  ),
};
