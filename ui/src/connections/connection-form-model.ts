/**
 * The connection form's fields as strings and booleans, and their mapping to and from the protocol's
 * ConnectionConfig (protocol/connections.ts). Secrets are never filled back in: an edited connection shows that a
 * password is stored, and a blank password field leaves it as it is.
 */
import type { Connection, ConnectionConfig, ConnectorType } from '../../../protocol/connections.js';

export interface FormState {
  name: string;
  type: ConnectorType;
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  sslEnabled: boolean;
  sslRejectUnauthorized: boolean;
  sslCa: string;
  sshEnabled: boolean;
  sshHost: string;
  sshPort: string;
  sshUser: string;
  sshPrivateKey: string;
  sshPassphrase: string;
  isolation: '' | 'thread' | 'process';
  sqliteCreate: boolean;
  sqliteReadOnly: boolean;
}

export const DEFAULT_PORTS: Partial<Record<ConnectorType, number>> = { postgres: 5432, mysql: 3306 };

export function emptyForm(type: ConnectorType = 'postgres'): FormState {
  return {
    name: '',
    type,
    host: '127.0.0.1',
    port: '',
    database: '',
    user: '',
    password: '',
    sslEnabled: false,
    sslRejectUnauthorized: true,
    sslCa: '',
    sshEnabled: false,
    sshHost: '',
    sshPort: '',
    sshUser: '',
    sshPrivateKey: '',
    sshPassphrase: '',
    isolation: '',
    sqliteCreate: false,
    sqliteReadOnly: false,
  };
}

export function formFromConnection(c: Connection): FormState {
  return {
    ...emptyForm(c.type),
    name: c.name,
    host: c.host ?? '',
    port: c.port === undefined ? '' : String(c.port),
    database: c.database ?? '',
    user: c.user ?? '',
    sslEnabled: c.ssl !== undefined,
    sslRejectUnauthorized: c.ssl?.rejectUnauthorized ?? true,
    sslCa: c.ssl?.ca ?? '',
    sshEnabled: c.ssh !== undefined,
    sshHost: c.ssh?.host ?? '',
    sshPort: c.ssh?.port === undefined ? '' : String(c.ssh.port),
    sshUser: c.ssh?.user ?? '',
    isolation: c.extra?.isolation ?? '',
    sqliteReadOnly: c.extra?.readOnly === true,
  };
}

/** The config the form describes; `keepSecrets` leaves blank secret fields out (an update keeps the stored ones). */
export function configFromForm(f: FormState): ConnectionConfig {
  const config: ConnectionConfig = { name: f.name.trim(), type: f.type };
  const extra: NonNullable<ConnectionConfig['extra']> = {};
  if (f.isolation) extra.isolation = f.isolation;
  if (f.type === 'sqlite') {
    config.database = f.database.trim();
    if (f.sqliteCreate) extra.create = true;
    if (f.sqliteReadOnly) extra.readOnly = true;
  } else {
    if (f.host.trim()) config.host = f.host.trim();
    const port = parsePort(f.port);
    if (port !== undefined) config.port = port;
    if (f.database.trim()) config.database = f.database.trim();
    if (f.user.trim()) config.user = f.user.trim();
    if (f.password) config.password = f.password;
    if (f.sslEnabled) {
      config.ssl = { rejectUnauthorized: f.sslRejectUnauthorized };
      if (f.sslCa.trim()) config.ssl.ca = f.sslCa;
    }
    if (f.sshEnabled) {
      config.ssh = { host: f.sshHost.trim(), user: f.sshUser.trim() };
      const sshPort = parsePort(f.sshPort);
      if (sshPort !== undefined) config.ssh.port = sshPort;
      if (f.sshPrivateKey) config.ssh.privateKey = f.sshPrivateKey;
      if (f.sshPassphrase) config.ssh.passphrase = f.sshPassphrase;
    }
  }
  if (Object.keys(extra).length > 0) config.extra = extra;
  return config;
}

/** What is wrong with the form, per field; empty when it can be saved. */
export function validateForm(f: FormState): Partial<Record<keyof FormState, string>> {
  const problems: Partial<Record<keyof FormState, string>> = {};
  if (!f.name.trim()) problems.name = 'A name is required';
  if (f.type === 'sqlite') {
    if (!f.database.trim()) problems.database = 'The path of the database file is required';
  } else {
    if (!f.host.trim()) problems.host = 'A host is required';
    if (f.port.trim() && parsePort(f.port) === undefined) problems.port = 'A port is a number from 1 to 65535';
    if (f.sshEnabled && !f.sshHost.trim()) problems.sshHost = 'The SSH host is required';
    if (f.sshEnabled && !f.sshUser.trim()) problems.sshUser = 'The SSH user is required';
    if (f.sshEnabled && f.sshPort.trim() && parsePort(f.sshPort) === undefined) problems.sshPort = 'A port is a number from 1 to 65535';
  }
  return problems;
}

function parsePort(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}
