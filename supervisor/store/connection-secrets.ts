/**
 * Splitting a connection config into what may be stored in app.db and what must go to the secret store, and
 * joining them again at connect time. The list of secret fields is SECRET_CONFIG_PATHS (protocol/connections.ts).
 */
import type { ConnectionConfig } from '../../protocol/index.js';

export interface ConnectionSecretValues {
  password?: string;
  sslKey?: string;
  sshPassword?: string;
  sshPrivateKey?: string;
  sshPassphrase?: string;
}

export type PublicConfig = Omit<ConnectionConfig, 'password' | 'ssl' | 'ssh'> & {
  ssl?: Omit<NonNullable<ConnectionConfig['ssl']>, 'key'>;
  ssh?: Omit<NonNullable<ConnectionConfig['ssh']>, 'password' | 'privateKey' | 'passphrase'>;
};

/** Returns the config without secrets, and the secrets that were present (undefined fields were absent). */
export function splitSecrets(config: Partial<ConnectionConfig>): { config: Partial<PublicConfig>; secrets: ConnectionSecretValues } {
  const { password, ssl, ssh, ...rest } = config;
  const out: Partial<PublicConfig> = { ...rest };
  const secrets: ConnectionSecretValues = {};
  if (password !== undefined) secrets.password = password;
  if (ssl) {
    const { key, ...publicSsl } = ssl;
    out.ssl = publicSsl;
    if (key !== undefined) secrets.sslKey = key;
  }
  if (ssh) {
    const { password: sshPassword, privateKey, passphrase, ...publicSsh } = ssh;
    out.ssh = publicSsh;
    if (sshPassword !== undefined) secrets.sshPassword = sshPassword;
    if (privateKey !== undefined) secrets.sshPrivateKey = privateKey;
    if (passphrase !== undefined) secrets.sshPassphrase = passphrase;
  }
  return { config: out, secrets };
}

/** The full config a worker needs to connect: public part plus secrets. Built only at connect time. */
export function joinSecrets(config: PublicConfig, secrets: ConnectionSecretValues): ConnectionConfig {
  const full: ConnectionConfig = { ...config } as ConnectionConfig;
  if (secrets.password !== undefined) full.password = secrets.password;
  if (secrets.sslKey !== undefined) full.ssl = { ...config.ssl, key: secrets.sslKey };
  const sshSecret = secrets.sshPassword ?? secrets.sshPrivateKey ?? secrets.sshPassphrase;
  if (config.ssh && sshSecret !== undefined) {
    full.ssh = { ...config.ssh };
    if (secrets.sshPassword !== undefined) full.ssh.password = secrets.sshPassword;
    if (secrets.sshPrivateKey !== undefined) full.ssh.privateKey = secrets.sshPrivateKey;
    if (secrets.sshPassphrase !== undefined) full.ssh.passphrase = secrets.sshPassphrase;
  }
  return full;
}

export function hasAnySecret(secrets: ConnectionSecretValues): boolean {
  return Object.values(secrets).some((v) => v !== undefined && v !== '');
}
