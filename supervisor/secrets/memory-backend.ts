import { assertSecretKey, type SecretBackend } from './secret-backend.js';

/**
 * FOR UNIT TESTS ONLY: secrets in a Map, gone when the process ends. openSecretStore uses it only when asked with
 * `testOnlyBackend: 'memory'`. It reports itself as a 'keychain' (never locked), the backend it stands in for.
 */
export class MemoryBackendForTests implements SecretBackend {
  readonly kind = 'keychain' as const;
  readonly locked = false;
  readonly #values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    assertSecretKey(key);
    return this.#values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key);
    this.#values.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    return this.#values.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.#values.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
