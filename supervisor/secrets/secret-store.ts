import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeError, type SecretStatus } from '../../protocol/index.js';
import {
  CONNECTION_SECRET_PATHS,
  connectionKeyPrefix,
  connectionSecretKey,
  patchToChanges,
  type ConnectionSecrets,
  type ConnectionSecretsPatch,
} from './connection-secrets.js';
import { EncryptedFileBackend, SECRETS_FILE_NAME } from './encrypted-file-backend.js';
import { DEFAULT_KEYCHAIN_SERVICE, KeychainBackend, probeKeychain } from './keychain-backend.js';
import { MemoryBackendForTests } from './memory-backend.js';
import { applyOneByOne, type SecretBackend } from './secret-backend.js';
import type { ScryptParams } from './secrets-file-format.js';

export interface OpenSecretStoreOptions {
  /** Holds `secrets.enc` when the keychain cannot be used. */
  dataDir: string;
  /** Keychain service name (default 'dbv-bridge'). Tests pass their own so they never touch a user's entries. */
  service?: string;
  /** Default true. false skips the keychain and uses the encrypted file. */
  preferKeychain?: boolean;
  /** Unlocks the file backend at once (the caller reads it from DBV_MASTER_PASSWORD). A wrong one leaves it locked. */
  masterPassword?: string;
  /** Told why the keychain was not used or why the given master password did not unlock. Never given a secret. */
  warn?: (message: string, details?: Record<string, unknown>) => void;
  /** Unit tests only: an in-memory backend instead of probing anything. */
  testOnlyBackend?: 'memory';
  /** Tests only: weaker scrypt params for the file backend (see EncryptedFileBackendOptions). */
  testOnlyScryptParams?: ScryptParams;
}

/** The supervisor's one door to secrets. Values never leave it except through get/getConnectionSecrets. */
export interface SecretStore {
  status(): SecretStatus;
  /** File backend: unlocks (or sets the first master password). Keychain: nothing to do. None: KEYCHAIN_UNAVAILABLE. */
  unlock(masterPassword: string): Promise<void>;
  /** Called after every successful unlock (work the locked store had to put off, such as deferred deletions). */
  onUnlocked(listener: () => Promise<void> | void): void;
  /** File backend: forgets the key. Others: nothing to do. */
  lock(): void;
  /** File backend only; others answer INVALID_PARAMS. */
  changeMasterPassword(oldPassword: string, newPassword: string): Promise<void>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Stores a connection's secrets; see ConnectionSecretsPatch for omitted / null / '' fields. */
  putConnectionSecrets(connectionId: string, secrets: ConnectionSecretsPatch): Promise<void>;
  getConnectionSecrets(connectionId: string): Promise<ConnectionSecrets>;
  /** Deletes every key under `connection/<id>/`; answers how many existed. */
  deleteConnectionSecrets(connectionId: string): Promise<number>;
  hasConnectionSecrets(connectionId: string): Promise<boolean>;
}

/**
 * Picks the backend once: the OS keychain when a real round trip through it works, else the encrypted file in
 * `dataDir` (locked until unlocked, unless `masterPassword` is given), else none — the store then still answers
 * status() (backend 'none') and every other call rejects with KEYCHAIN_UNAVAILABLE, so the bridge can run without
 * saved credentials instead of refusing to start.
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<SecretStore> {
  const warn = options.warn ?? (() => undefined);
  if (options.testOnlyBackend === 'memory') return new BackedSecretStore(new MemoryBackendForTests());

  const service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
  if (options.preferKeychain !== false) {
    if (await probeKeychain(service)) {
      if (await exists(join(options.dataDir, SECRETS_FILE_NAME))) {
        warn('The OS keychain is used; the secrets in the encrypted file of this data dir are not read.', { service });
      }
      return new BackedSecretStore(new KeychainBackend(service));
    }
    warn('The OS keychain is not available; secrets go to the encrypted file under a master password.', { service });
  }

  const fileProblem = await dataDirProblem(options.dataDir);
  if (fileProblem !== null) {
    warn('Neither the OS keychain nor the encrypted secrets file can be used; secrets cannot be saved.', {
      reason: fileProblem,
    });
    return new BackedSecretStore(null, fileProblem);
  }
  const file = new EncryptedFileBackend({ dataDir: options.dataDir, testOnlyScryptParams: options.testOnlyScryptParams });
  if (options.masterPassword !== undefined && options.masterPassword !== '') {
    await file.unlock(options.masterPassword).catch((error: unknown) => {
      const { code, details } = BridgeError.from(error);
      warn('The master password given at start did not unlock the secrets file; it stays locked.', { code, ...details });
    });
  }
  return new BackedSecretStore(file);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** null when the directory exists (or could be created) and is readable and writable; else the errno code. */
async function dataDirProblem(dataDir: string): Promise<string | null> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await access(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'data-dir-unusable';
  }
}

class BackedSecretStore implements SecretStore {
  readonly #backend: SecretBackend | null;
  readonly #unavailableReason: string;
  readonly #unlockListeners: Array<() => Promise<void> | void> = [];

  constructor(backend: SecretBackend | null, unavailableReason = '') {
    this.#backend = backend;
    this.#unavailableReason = unavailableReason;
  }

  status(): SecretStatus {
    if (this.#backend === null) return { backend: 'none', locked: true };
    return { backend: this.#backend.kind, locked: this.#backend.locked };
  }

  async unlock(masterPassword: string): Promise<void> {
    const backend = this.#require();
    if (backend instanceof EncryptedFileBackend) await backend.unlock(masterPassword);
    for (const listener of this.#unlockListeners) await listener();
  }

  onUnlocked(listener: () => Promise<void> | void): void {
    this.#unlockListeners.push(listener);
  }

  lock(): void {
    if (this.#backend instanceof EncryptedFileBackend) this.#backend.lock();
  }

  async changeMasterPassword(oldPassword: string, newPassword: string): Promise<void> {
    const backend = this.#require();
    if (!(backend instanceof EncryptedFileBackend)) {
      throw new BridgeError('INVALID_PARAMS', 'Only the encrypted secrets file has a master password.', {
        backend: backend.kind,
      });
    }
    await backend.changeMasterPassword(oldPassword, newPassword);
  }

  async get(key: string): Promise<string | null> {
    return this.#require().get(key);
  }

  async set(key: string, value: string): Promise<void> {
    return this.#require().set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.#require().delete(key);
  }

  async putConnectionSecrets(connectionId: string, secrets: ConnectionSecretsPatch): Promise<void> {
    const changes = patchToChanges(connectionId, secrets);
    if (changes.size === 0) return;
    const backend = this.#require();
    await (backend.apply ? backend.apply(changes) : applyOneByOne(backend, changes));
  }

  async getConnectionSecrets(connectionId: string): Promise<ConnectionSecrets> {
    const backend = this.#require();
    const secrets: ConnectionSecrets = {};
    for (const path of CONNECTION_SECRET_PATHS) {
      const value = await backend.get(connectionSecretKey(connectionId, path));
      if (value !== null) secrets[path] = value;
    }
    return secrets;
  }

  async deleteConnectionSecrets(connectionId: string): Promise<number> {
    const backend = this.#require();
    // The four known keys always, plus whatever else the backend lists under the prefix (keys added later).
    const keys = new Set(CONNECTION_SECRET_PATHS.map((path) => connectionSecretKey(connectionId, path)));
    for (const key of (await backend.keys?.(connectionKeyPrefix(connectionId))) ?? []) keys.add(key);
    if (backend.apply) {
      // One atomic write for the file backend instead of one per key.
      const present: string[] = [];
      for (const key of keys) if ((await backend.get(key)) !== null) present.push(key);
      if (present.length > 0) await backend.apply(new Map(present.map((key) => [key, null])));
      return present.length;
    }
    let deleted = 0;
    for (const key of keys) if (await backend.delete(key)) deleted++;
    return deleted;
  }

  async hasConnectionSecrets(connectionId: string): Promise<boolean> {
    return Object.keys(await this.getConnectionSecrets(connectionId)).length > 0;
  }

  #require(): SecretBackend {
    if (this.#backend !== null) return this.#backend;
    throw new BridgeError('KEYCHAIN_UNAVAILABLE', 'Neither the OS keychain nor the encrypted secrets file can be used.', {
      reason: this.#unavailableReason,
    });
  }
}
