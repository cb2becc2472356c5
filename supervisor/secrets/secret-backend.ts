import { BridgeError, secretKeySchema } from '../../protocol/index.js';

/**
 * Where secret values live. Keys are path-like (`connection/<id>/password`, `app/github-token`); values are strings.
 * Every backend refuses keys outside the protocol's key alphabet, so backend-internal entries (names starting with
 * `#`, such as the keychain's key index) can never collide with a caller's key.
 */
export interface SecretBackend {
  readonly kind: 'keychain' | 'file';
  /** Only the encrypted file can be locked; the OS keychain is unlocked by the OS session. */
  readonly locked: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** false when there was nothing to delete. */
  delete(key: string): Promise<boolean>;
  /** Names (never values) of the stored keys that start with `prefix`, sorted. */
  keys?(prefix: string): Promise<string[]>;
  /**
   * Several sets (string) and deletes (null) at once. The file backend makes them one atomic write; backends without
   * this method get them one by one.
   */
  apply?(changes: ReadonlyMap<string, string | null>): Promise<void>;
}

/** Rejects keys the protocol would reject too; the wire already validates, this guards direct callers. */
export function assertSecretKey(key: string): void {
  if (!secretKeySchema.safeParse(key).success) {
    throw new BridgeError('INVALID_PARAMS', 'Secret keys are 1–512 characters of letters, digits and . _ - / : @', {
      reason: 'invalid-key',
    });
  }
}

/** Applies a batch through get/set/delete, for backends that have no atomic batch of their own. */
export async function applyOneByOne(backend: SecretBackend, changes: ReadonlyMap<string, string | null>): Promise<void> {
  for (const [key, value] of changes) {
    if (value === null) await backend.delete(key);
    else await backend.set(key, value);
  }
}

/**
 * Runs async tasks strictly one after another. Read-modify-write of an index or of the whole encrypted file must not
 * interleave, or one writer's change silently disappears.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
