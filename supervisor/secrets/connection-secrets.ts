/**
 * The secret fields of a connection, defined once: protocol's SECRET_CONFIG_PATHS (`password`, `ssl.key`,
 * `ssh.password`, `ssh.privateKey`, `ssh.passphrase`). Everything here is derived from that list: the keys in the secret store
 * (`connection/<id>/<path>`), splitting a config into what app.db may hold and what goes to the store, and joining
 * the two again when a worker connects. A new secret field is one more path in that list.
 */
import { BridgeError, SECRET_CONFIG_PATHS, type ConnectionConfig, type SecretConfigPath } from '../../protocol/index.js';

export type { SecretConfigPath };

/** The secrets of one saved connection, by config path. Absent field = nothing stored. */
export type ConnectionSecrets = { [P in SecretConfigPath]?: string };

/**
 * A change to a connection's secrets. Per path: omitted (undefined) keeps the stored value; a non-empty string
 * replaces it; null or '' deletes it. '' deletes rather than stores because a config form sends '' for "no password",
 * and an empty password and no password mean the same to every driver we run.
 */
export type ConnectionSecretsPatch = { [P in SecretConfigPath]?: string | null };

/** A config without its secret fields: what app.db holds. */
export type PublicConfig = Omit<ConnectionConfig, 'password' | 'ssl' | 'ssh'> & {
  ssl?: Omit<NonNullable<ConnectionConfig['ssl']>, 'key'>;
  ssh?: Omit<NonNullable<ConnectionConfig['ssh']>, 'password' | 'privateKey' | 'passphrase'>;
};

export const CONNECTION_SECRET_PATHS: readonly SecretConfigPath[] = SECRET_CONFIG_PATHS;

/** An id becomes one path segment of a key, so it may not contain '/' (it would reach another connection's keys). */
const CONNECTION_ID = /^[A-Za-z0-9._\-:@]{1,200}$/;

export const CONNECTION_KEY_ROOT = 'connection/';

/** `connection/<id>/` — every key of this connection starts with it. */
export function connectionKeyPrefix(connectionId: string): string {
  if (!CONNECTION_ID.test(connectionId)) {
    throw new BridgeError('INVALID_PARAMS', 'A connection id is 1–200 letters, digits or . _ - : @', {
      reason: 'invalid-connection-id',
    });
  }
  return `${CONNECTION_KEY_ROOT}${connectionId}/`;
}

export function connectionSecretKey(connectionId: string, path: SecretConfigPath): string {
  return connectionKeyPrefix(connectionId) + path;
}

/** The connection id a store key belongs to (`connection/<id>/…`), or undefined for any other key. */
export function connectionIdOfKey(key: string): string | undefined {
  if (!key.startsWith(CONNECTION_KEY_ROOT)) return undefined;
  const id = key.slice(CONNECTION_KEY_ROOT.length).split('/')[0];
  return id !== undefined && CONNECTION_ID.test(id) ? id : undefined;
}

/** The backend changes a patch stands for: key → new value, or null to delete. Omitted fields are not in the map. */
export function patchToChanges(connectionId: string, patch: ConnectionSecretsPatch): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const path of CONNECTION_SECRET_PATHS) {
    const value = patch[path];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') {
      throw new BridgeError('INVALID_PARAMS', `Connection secret '${path}' must be a string or null.`, { field: path });
    }
    changes.set(connectionSecretKey(connectionId, path), value === null || value === '' ? null : value);
  }
  return changes;
}

type Obj = Record<string, unknown>;

function pathOf(path: SecretConfigPath): { parent?: string; leaf: string } {
  const [first, second] = path.split('.') as [string, string | undefined];
  return second === undefined ? { leaf: first } : { parent: first, leaf: second };
}

/**
 * The config without secrets, and the secrets that were present (a field given as '' is kept as '': for an update
 * it means "delete"). Nested objects are copied, never changed in place.
 */
export function splitSecrets<C extends Partial<ConnectionConfig>>(config: C): { config: Partial<PublicConfig>; secrets: ConnectionSecretsPatch } {
  const out: Obj = { ...config };
  const secrets: ConnectionSecretsPatch = {};
  for (const path of CONNECTION_SECRET_PATHS) {
    const { parent, leaf } = pathOf(path);
    const holder = parent === undefined ? out : (out[parent] as Obj | undefined);
    if (holder === undefined || holder === null) continue;
    if (parent !== undefined && holder === (config as Obj)[parent]) out[parent] = { ...holder };
    const target = parent === undefined ? out : (out[parent] as Obj);
    const value = target[leaf];
    if (value !== undefined) secrets[path] = value as string;
    delete target[leaf];
  }
  return { config: out as Partial<PublicConfig>, secrets };
}

/** The full config a worker needs to connect: public part plus secrets. Built only at connect time. */
export function joinSecrets(config: PublicConfig, secrets: ConnectionSecrets): ConnectionConfig {
  const full: Obj = { ...config };
  for (const path of CONNECTION_SECRET_PATHS) {
    const value = secrets[path];
    if (value === undefined) continue;
    const { parent, leaf } = pathOf(path);
    if (parent === undefined) full[leaf] = value;
    else if (parent === 'ssl' || full[parent] !== undefined) {
      // An SSH secret without the public ssh block has no host to go to; an SSL key alone still means TLS.
      full[parent] = { ...(full[parent] as Obj | undefined), [leaf]: value };
    }
  }
  return full as ConnectionConfig;
}

/** Whether a patch stores at least one non-empty secret. */
export function hasAnySecret(secrets: ConnectionSecretsPatch): boolean {
  return Object.values(secrets).some((v) => typeof v === 'string' && v !== '');
}

/** Whether a patch changes the store at all (a value to store, or one to delete). */
export function touchesSecrets(secrets: ConnectionSecretsPatch): boolean {
  return Object.values(secrets).some((v) => v !== undefined);
}
