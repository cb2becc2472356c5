/**
 * Saving, changing and deleting a connection as one step across two stores that share no transaction: its row in
 * app.db and its secrets in the secret store (the OS keychain, or the encrypted file, which may be locked).
 *
 * The rules (docs/security.md "Connection credentials"):
 * - A connection without stored secrets never needs the secret store: create, rename, any change of public fields
 *   and delete work while the encrypted file is locked.
 * - A change that must touch the store reads or writes it before app.db; when the store refuses (SECRET_LOCKED,
 *   KEYCHAIN_UNAVAILABLE) nothing has changed. A failing app.db write after a secret write puts the old secrets back.
 * - Secrets that may exist without their row are journaled in app.db (secret_cleanup) before the store is touched:
 *   the secrets of a connection being created (a crash — even SIGKILL — between the two writes leaves an entry), and
 *   those of a deleted connection that the store could not delete at once (locked). `reconcile()` removes them at
 *   start and after each unlock. Only journaled ids are ever reconciled: the OS keychain is shared by every data dir
 *   that uses the same service name, so a sweep of "every connection/ key without a row here" could delete another
 *   data dir's credentials.
 * All operations run one at a time, so a reconciliation never sees a create between its two writes.
 */
import type { Connection } from '../../protocol/index.js';
import { BridgeError } from '../../protocol/index.js';
import type { Logger } from '../log/logger.js';
import type { ConnectionsRepo } from '../store/connections-repo.js';
import type { SecretCleanupRepo } from '../store/secret-cleanup-repo.js';
import {
  CONNECTION_SECRET_PATHS,
  hasAnySecret,
  touchesSecrets,
  type ConnectionSecrets,
  type ConnectionSecretsPatch,
  type PublicConfig,
} from './connection-secrets.js';
import { SerialQueue } from './secret-backend.js';
import type { SecretStore } from './secret-store.js';

/** The part of the secret store that keeps connection credentials. */
export type CredentialVault = Pick<SecretStore, 'status' | 'putConnectionSecrets' | 'getConnectionSecrets' | 'deleteConnectionSecrets'>;

/** Places where a fault-injection run (--enable-fault-injection) may kill the bridge, to test crash recovery. */
export type CredentialFaultPoint = 'connection.create:after-secrets';

export interface ConnectionCredentialsDeps {
  repo: ConnectionsRepo;
  cleanup: SecretCleanupRepo;
  vault: CredentialVault;
  log: Logger;
  faultPoint?: (point: CredentialFaultPoint) => void;
}

export class ConnectionCredentials {
  readonly #queue = new SerialQueue();

  constructor(private readonly deps: ConnectionCredentialsDeps) {}

  /** Saves a new connection. Secrets first (journaled), then the row; a store that refuses leaves nothing behind. */
  create(config: PublicConfig, secrets: ConnectionSecretsPatch, id: string = `conn_${crypto.randomUUID()}`): Promise<Connection> {
    return this.#queue.run(async () => {
      const { repo, cleanup, vault } = this.deps;
      // Writing secrets under the id of an existing connection would replace its credentials (and a failed insert
      // would then delete them): never, even for an id given by a caller.
      if (repo.find(id)) throw new BridgeError('INTERNAL', `A connection with id ${id} already exists`, { id });
      if (!hasAnySecret(secrets)) return repo.insert(config, false, id);
      // A store that cannot be used (locked, unavailable) refuses this read with its own error, before anything —
      // the journal included — has changed.
      await vault.getConnectionSecrets(id);
      cleanup.add(id, 'create');
      try {
        await vault.putConnectionSecrets(id, secrets);
      } catch (error) {
        await this.#forget(id, 'create');
        throw error;
      }
      this.deps.faultPoint?.('connection.create:after-secrets');
      try {
        return repo.transaction(() => {
          const created = repo.insert(config, true, id);
          cleanup.remove(id);
          return created;
        });
      } catch (error) {
        await this.#forget(id, 'create');
        throw error;
      }
    });
  }

  /**
   * Writes a connection's public config — `merge` of the stored one, computed in turn with other writes so that two
   * concurrent updates cannot lose each other's fields — and applies its secret patch. The store is touched only
   * when the patch changes something there: a secret to store, or one to delete from a connection that has some.
   */
  update(id: string, merge: (stored: PublicConfig) => PublicConfig, secrets: ConnectionSecretsPatch): Promise<Connection> {
    return this.#queue.run(async () => {
      const { repo, vault } = this.deps;
      const current = repo.get(id);
      const config = merge(repo.publicConfig(id));
      const needsStore = touchesSecrets(secrets) && (current.storedCredentials || hasAnySecret(secrets));
      if (!needsStore) return repo.update(id, config, current.storedCredentials);
      // Reading first: a locked store refuses here, before anything changed; and the old values can be put back.
      const before = await vault.getConnectionSecrets(id);
      await vault.putConnectionSecrets(id, secrets);
      try {
        return repo.update(id, config, hasAnySecret(applyPatch(before, secrets)));
      } catch (error) {
        await vault.putConnectionSecrets(id, restoringPatch(before)).catch((restoreError: unknown) => {
          this.deps.log.error({ connectionId: id, err: restoreError }, 'could not restore the secrets of a connection whose update failed');
        });
        throw error;
      }
    });
  }

  /**
   * Deletes the row (and journals its secrets in the same transaction), then deletes the secrets. A store that cannot
   * delete them now (locked) leaves the journal entry: they are removed at the next unlock. The connection is gone
   * either way, and no state exists in which it is half there.
   */
  delete(id: string): Promise<void> {
    return this.#queue.run(async () => {
      const { repo, cleanup } = this.deps;
      const current = repo.get(id);
      if (!current.storedCredentials) {
        repo.delete(id);
        return;
      }
      repo.transaction(() => {
        repo.delete(id);
        cleanup.add(id, 'delete');
      });
      await this.#forget(id, 'delete');
    });
  }

  /** Removes the secrets of every journaled connection that has no row. Never throws; logs ids, never values. */
  reconcile(): Promise<void> {
    return this.#queue.run(async () => {
      const { repo, cleanup, vault, log } = this.deps;
      const entries = cleanup.list();
      if (entries.length === 0) return;
      if (vault.status().locked) {
        log.info({ pending: entries.length }, 'secret cleanup waits for the secret store to be unlocked');
        return;
      }
      for (const entry of entries) {
        if (repo.find(entry.connectionId)) {
          cleanup.remove(entry.connectionId);
          continue;
        }
        if (!(await this.#forget(entry.connectionId, entry.reason))) return;
      }
    });
  }

  /** Deletes a row-less connection's secrets and its journal entry; false (entry kept) when the store refused. */
  async #forget(connectionId: string, reason: string): Promise<boolean> {
    const { cleanup, vault, log } = this.deps;
    try {
      const removed = await vault.deleteConnectionSecrets(connectionId);
      cleanup.remove(connectionId);
      if (removed > 0 && reason === 'create') log.warn({ connectionId, secretsRemoved: removed }, 'removed orphaned secrets of a connection that was never saved');
      else if (removed > 0) log.info({ connectionId, secretsRemoved: removed }, 'removed the secrets of a deleted connection');
      return true;
    } catch (error) {
      const { code } = BridgeError.from(error);
      log.info({ connectionId, code }, 'secrets of a connection without a row are kept until the secret store can delete them');
      return false;
    }
  }
}

function applyPatch(before: ConnectionSecrets, patch: ConnectionSecretsPatch): ConnectionSecrets {
  const after: ConnectionSecrets = { ...before };
  for (const path of CONNECTION_SECRET_PATHS) {
    const value = patch[path];
    if (value === undefined) continue;
    if (value === null || value === '') delete after[path];
    else after[path] = value;
  }
  return after;
}

/** The patch that makes the store hold exactly `before` again. */
function restoringPatch(before: ConnectionSecrets): ConnectionSecretsPatch {
  const patch: ConnectionSecretsPatch = {};
  for (const path of CONNECTION_SECRET_PATHS) patch[path] = before[path] ?? null;
  return patch;
}
