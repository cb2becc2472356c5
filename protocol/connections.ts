import { z } from 'zod';
import { defineMethod } from './descriptor.js';

export const CONNECTOR_TYPES = ['postgres', 'mysql', 'sqlite', 'faulty'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

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
    isolation: z.enum(['thread', 'process']).optional(),
    poolSize: z.number().int().min(1).max(100).optional(),
    connectTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    idleTimeoutMs: z.number().int().min(1000).max(86_400_000).optional(),
    /** SQLite: open read-only. */
    readOnly: z.boolean().optional(),
  })
  .catchall(z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]));

export const connectionConfigSchema = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(CONNECTOR_TYPES),
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
export type ConnectionConfig = z.output<typeof connectionConfigSchema>;

/** For `connection.update`: every field optional; omitted secret fields keep their stored value. */
export const connectionPatchSchema = connectionConfigSchema.partial();
export type ConnectionPatch = z.output<typeof connectionPatchSchema>;

/** The secret-bearing fields of a config, as paths. They are never stored in app.db nor returned. */
export const SECRET_CONFIG_PATHS = ['password', 'ssl.key', 'ssh.password', 'ssh.privateKey', 'ssh.passphrase'] as const;

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

export const connectionMethods = {
  create: defineMethod<Connection>()('connection.create', z.object({ config: connectionConfigSchema }), ['config']),
  test: defineMethod<ConnectionTestResult>()(
    'connection.test',
    z.union([z.object({ config: connectionConfigSchema }), z.object({ connectionId: id })]),
    (args) => (typeof args[0] === 'string' ? { connectionId: args[0] } : { config: args[0] }),
  ),
  list: defineMethod<Connection[]>()('connection.list', z.object({}), []),
  get: defineMethod<Connection>()('connection.get', z.object({ id }), ['id']),
  update: defineMethod<Connection>()('connection.update', z.object({ id, config: connectionPatchSchema }), ['id', 'config']),
  delete: defineMethod<Record<string, never>>()('connection.delete', z.object({ id }), ['id']),
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
