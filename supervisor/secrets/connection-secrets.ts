import { BridgeError } from '../../protocol/index.js';

/** The secrets of one saved connection, as the supervisor hands them to a worker. Absent field = nothing stored. */
export interface ConnectionSecrets {
  password?: string;
  sslKey?: string;
  sshPassword?: string;
  sshPrivateKey?: string;
  sshPassphrase?: string;
}

/**
 * A change to a connection's secrets. Per field: omitted (undefined) keeps the stored value; a non-empty string
 * replaces it; null or '' deletes it. '' deletes rather than stores because a config form sends '' for "no password",
 * and an empty password and no password mean the same to every driver we run.
 */
export type ConnectionSecretsPatch = { [F in keyof ConnectionSecrets]?: string | null };

/** Field → the last part of its key; the same paths as protocol's SECRET_CONFIG_PATHS. */
const FIELD_KEYS = {
  password: 'password',
  sslKey: 'ssl.key',
  sshPassword: 'ssh.password',
  sshPrivateKey: 'ssh.privateKey',
  sshPassphrase: 'ssh.passphrase',
} as const satisfies Record<keyof ConnectionSecrets, string>;

export const CONNECTION_SECRET_FIELDS = Object.keys(FIELD_KEYS) as (keyof ConnectionSecrets)[];

/** An id becomes one path segment of a key, so it may not contain '/' (it would reach another connection's keys). */
const CONNECTION_ID = /^[A-Za-z0-9._\-:@]{1,200}$/;

/** `connection/<id>/` — every key of this connection starts with it. */
export function connectionKeyPrefix(connectionId: string): string {
  if (!CONNECTION_ID.test(connectionId)) {
    throw new BridgeError('INVALID_PARAMS', 'A connection id is 1–200 letters, digits or . _ - : @', {
      reason: 'invalid-connection-id',
    });
  }
  return `connection/${connectionId}/`;
}

export function connectionSecretKey(connectionId: string, field: keyof ConnectionSecrets): string {
  return connectionKeyPrefix(connectionId) + FIELD_KEYS[field];
}

/** The backend changes a patch stands for: key → new value, or null to delete. Omitted fields are not in the map. */
export function patchToChanges(connectionId: string, patch: ConnectionSecretsPatch): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const field of CONNECTION_SECRET_FIELDS) {
    const value = patch[field];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') {
      throw new BridgeError('INVALID_PARAMS', `Connection secret '${field}' must be a string or null.`, { field });
    }
    changes.set(connectionSecretKey(connectionId, field), value === null || value === '' ? null : value);
  }
  return changes;
}
