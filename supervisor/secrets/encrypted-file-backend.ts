import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeError } from '../../protocol/index.js';
import { removeStalePartial, writeFileAtomically } from './atomic-write.js';
import { assertSecretKey, SerialQueue, type SecretBackend } from './secret-backend.js';
import {
  DEFAULT_SCRYPT_PARAMS,
  deriveMasterKey,
  keyMatches,
  newKdfSalt,
  openSecrets,
  parseSecretsFile,
  sealSecrets,
  wrongPasswordError,
  zeroMasterKey,
  type MasterKey,
  type ScryptParams,
} from './secrets-file-format.js';

export const SECRETS_FILE_NAME = 'secrets.enc';

export interface EncryptedFileBackendOptions {
  dataDir: string;
  /**
   * Weaker scrypt params so tests do not spend ~0.7 s per unlock. Never set outside tests: the file records the params
   * it was written with, and a weak file stays weak until its master password is changed without this option.
   */
  testOnlyScryptParams?: ScryptParams;
}

function lockedError(): BridgeError {
  return new BridgeError('SECRET_LOCKED', 'The secrets file is locked; unlock it with the master password.', {
    reason: 'locked',
  });
}

function writeFailed(error: unknown): BridgeError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return new BridgeError('KEYCHAIN_UNAVAILABLE', 'The encrypted secrets file could not be written.', { reason });
}

function assertPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new BridgeError('INVALID_PARAMS', 'The master password must not be empty.', { reason: 'empty-password' });
  }
}

/**
 * Secrets in `<dataDir>/secrets.enc`, encrypted under a master password (format: secrets-file-format.ts).
 * Starts locked. While unlocked only the derived key stays in memory; every operation reads and decrypts the file
 * afresh and drops the plaintext afterwards, so the values are not kept in the process longer than an operation.
 * All operations run one at a time.
 */
export class EncryptedFileBackend implements SecretBackend {
  readonly kind = 'file' as const;
  readonly path: string;
  readonly #params: ScryptParams;
  readonly #queue = new SerialQueue();
  #master: MasterKey | null = null;

  constructor(options: EncryptedFileBackendOptions) {
    this.path = join(options.dataDir, SECRETS_FILE_NAME);
    this.#params = { ...(options.testOnlyScryptParams ?? DEFAULT_SCRYPT_PARAMS) };
  }

  get locked(): boolean {
    return this.#master === null;
  }

  /**
   * With a file: checks the password and the file's integrity, then keeps the key. Without one: this password becomes
   * the master password, and an empty file is written at once so that a second unlock must use the same password.
   * A wrong password or a damaged file throws SECRET_LOCKED and changes nothing (an unlocked store stays unlocked).
   */
  async unlock(masterPassword: string): Promise<void> {
    assertPassword(masterPassword);
    return this.#queue.run(async () => {
      await removeStalePartial(this.path);
      const bytes = await this.#readFileOrNull();
      if (bytes === null) {
        const master = await deriveMasterKey(masterPassword, newKdfSalt(), this.#params);
        await this.#writeOrZero(master, new Map());
        this.#replaceMaster(master);
        return;
      }
      const master = await this.#verify(masterPassword, bytes);
      this.#replaceMaster(master);
    });
  }

  /**
   * Forgets the key. New operations refuse with SECRET_LOCKED at once; the key bytes are zeroed as soon as an
   * operation already running (which holds a reference to them) has finished.
   */
  lock(): void {
    const master = this.#master;
    this.#master = null;
    if (master !== null) void this.#queue.run(async () => zeroMasterKey(master));
  }

  /**
   * Re-encrypts everything under a new master password and a new kdf salt, in one atomic rename: a crash leaves the old
   * file (readable with the old password) or the new one (readable with the new). Works whether or not the store is
   * unlocked, and leaves it unlocked with the new key.
   */
  async changeMasterPassword(oldPassword: string, newPassword: string): Promise<void> {
    assertPassword(oldPassword);
    assertPassword(newPassword);
    return this.#queue.run(async () => {
      const bytes = await this.#readFileOrNull();
      if (bytes === null) {
        throw new BridgeError('INVALID_PARAMS', 'No master password has been set yet; unlock sets the first one.', {
          reason: 'no-secrets-file',
        });
      }
      const oldMaster = await this.#verify(oldPassword, bytes);
      const secrets = openSecrets(oldMaster, parseSecretsFile(bytes));
      zeroMasterKey(oldMaster);
      const newMaster = await deriveMasterKey(newPassword, newKdfSalt(), this.#params);
      await this.#writeOrZero(newMaster, secrets);
      this.#replaceMaster(newMaster);
    });
  }

  async get(key: string): Promise<string | null> {
    assertSecretKey(key);
    return this.#queue.run(async () => (await this.#load()).get(key) ?? null);
  }

  async set(key: string, value: string): Promise<void> {
    return this.apply(new Map([[key, value]]));
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    return this.#queue.run(async () => {
      const secrets = await this.#load();
      if (!secrets.delete(key)) return false;
      await this.#write(this.#requireMaster(), secrets);
      return true;
    });
  }

  async keys(prefix: string): Promise<string[]> {
    return this.#queue.run(async () => [...(await this.#load()).keys()].filter((k) => k.startsWith(prefix)).sort());
  }

  /** All changes land in one write: either all of them are on disk or none. */
  async apply(changes: ReadonlyMap<string, string | null>): Promise<void> {
    for (const key of changes.keys()) assertSecretKey(key);
    return this.#queue.run(async () => {
      const secrets = await this.#load();
      let changed = false;
      for (const [key, value] of changes) {
        if (value === null) changed = secrets.delete(key) || changed;
        else if (secrets.get(key) !== value) {
          secrets.set(key, value);
          changed = true;
        }
      }
      if (changed) await this.#write(this.#requireMaster(), secrets);
    });
  }

  #requireMaster(): MasterKey {
    if (this.#master === null) throw lockedError();
    return this.#master;
  }

  /** The current secrets. A file replaced behind our back under another password locks the store. */
  async #load(): Promise<Map<string, string>> {
    const master = this.#requireMaster();
    const bytes = await this.#readFileOrNull();
    if (bytes === null) return new Map();
    const file = parseSecretsFile(bytes);
    if (!keyMatches(master, file)) {
      this.lock();
      throw new BridgeError('SECRET_LOCKED', 'The secrets file was replaced under another master password.', {
        reason: 'file-changed',
      });
    }
    return openSecrets(master, file);
  }

  async #verify(password: string, bytes: Buffer): Promise<MasterKey> {
    const file = parseSecretsFile(bytes);
    const master = await deriveMasterKey(password, file.kdfSalt, file.params);
    try {
      if (!keyMatches(master, file)) throw wrongPasswordError();
      // Decrypt once now, so a damaged file is reported at unlock rather than at the first read.
      openSecrets(master, file).clear();
      return master;
    } catch (error) {
      zeroMasterKey(master);
      throw error;
    }
  }

  async #write(master: MasterKey, secrets: ReadonlyMap<string, string>): Promise<void> {
    try {
      await writeFileAtomically(this.path, sealSecrets(master, secrets));
    } catch (error) {
      throw writeFailed(error);
    }
  }

  /** For a key not yet adopted: if its first write fails, nobody will ever zero it otherwise. */
  async #writeOrZero(master: MasterKey, secrets: ReadonlyMap<string, string>): Promise<void> {
    try {
      await this.#write(master, secrets);
    } catch (error) {
      zeroMasterKey(master);
      throw error;
    }
  }

  async #readFileOrNull(): Promise<Buffer | null> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new BridgeError('KEYCHAIN_UNAVAILABLE', 'The encrypted secrets file could not be read.', {
        reason: (error as NodeJS.ErrnoException).code ?? 'read-failed',
      });
    }
  }

  #replaceMaster(master: MasterKey | null): void {
    if (this.#master !== null && this.#master !== master) zeroMasterKey(this.#master);
    this.#master = master;
  }
}
