import { randomBytes } from 'node:crypto';
import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import { BridgeError } from '../../protocol/index.js';
import { assertSecretKey, SerialQueue, type SecretBackend } from './secret-backend.js';

/** The keychain "service" every entry of the bridge is filed under. Tests pass their own, so they never touch it. */
export const DEFAULT_KEYCHAIN_SERVICE = 'dbv-bridge';

/**
 * The keychain cannot list entries portably (and @napi-rs/keyring's findCredentials returns every value with every
 * name), so the names of our keys (never values) are kept in one extra entry of the same service. `#` is outside the
 * key alphabet of the protocol, so no caller's key can be this account.
 */
const INDEX_ACCOUNT = '#index';

/**
 * On Linux the default builder falls back to the kernel keyring (keyutils) when no Secret Service answers. Those entries
 * vanish at logout or reboot, so saved passwords would silently disappear: pin the Secret Service. Other platforms
 * ignore this option.
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

function entry(service: string, account: string): AsyncEntry {
  // The constructor itself throws on Linux when there is no D-Bus session bus.
  return new AsyncEntry(service, account, ENTRY_OPTIONS);
}

/**
 * A Secret Service that has just died is off the bus for the moment its keeper takes to start it again (systemd's
 * Restart=on-failure, the session bus's activation, scripts/with-keyring.sh's loop) — and gnome-keyring-daemon does
 * abort now and then, when a client goes away in the middle of its OpenSession. A call that found nobody there, or whose
 * answer never came because the service went away, is tried again over about two seconds before the keychain is
 * called unavailable. Only those D-Bus errors: a denied or locked keychain fails at once (on macOS a retry would even
 * prompt the user again).
 */
const SERVICE_GONE = /not provided by any \.service files|ServiceUnknown|NameHasNoOwner|NoReply|disconnected/i;
const RETRY_DELAYS_MS = [100, 250, 500, 1000];

async function whileServiceRestarts<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !SERVICE_GONE.test(error instanceof Error ? error.message : String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function unavailable(operation: string, error: unknown): BridgeError {
  // Platform messages name the store and the failure (AccessDenied, no bus…), never the value.
  const reason = error instanceof Error ? error.message : String(error);
  return new BridgeError('KEYCHAIN_UNAVAILABLE', `The OS keychain failed during ${operation}.`, { operation, reason });
}

/**
 * True only when a full set → get → delete round trip with a random value works. Without a Secret Service,
 * `setPassword` throws while reads may quietly answer null (or throw): only comparing the read value is a proof.
 */
export async function probeKeychain(service: string = DEFAULT_KEYCHAIN_SERVICE): Promise<boolean> {
  const account = `#probe-${randomBytes(8).toString('hex')}`;
  const value = randomBytes(18).toString('base64url');
  let probe: AsyncEntry;
  try {
    probe = entry(service, account);
  } catch {
    return false;
  }
  try {
    // A bridge that starts while the service restarts must not settle on the encrypted file for the rest of its life.
    await whileServiceRestarts(() => probe.setPassword(value));
    const readBack = await whileServiceRestarts(() => probe.getPassword());
    const deleted = await whileServiceRestarts(() => probe.deleteCredential());
    return readBack === value && deleted === true;
  } catch {
    await probe.deleteCredential().catch(() => false);
    return false;
  }
}

/** Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux). */
export class KeychainBackend implements SecretBackend {
  readonly kind = 'keychain' as const;
  readonly locked = false;
  readonly #service: string;
  // Serializes every mutation, because set/delete also rewrite the shared index entry.
  readonly #writes = new SerialQueue();

  constructor(service: string = DEFAULT_KEYCHAIN_SERVICE) {
    this.#service = service;
  }

  async get(key: string): Promise<string | null> {
    assertSecretKey(key);
    return this.#call('get', (e) => e.getPassword(), key);
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key);
    return this.#writes.run(async () => {
      // Index first: after a crash in between, the index names a key that has no value (harmless: it reads as null and
      // is dropped by the next delete), never the reverse (a value nobody can find to delete).
      await this.#updateIndex((names) => {
        if (names.has(key)) return false;
        names.add(key);
        return true;
      });
      await this.#call('set', (e) => e.setPassword(value), key);
    });
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    return this.#writes.run(async () => {
      const deleted = await this.#call('delete', (e) => e.deleteCredential(), key);
      await this.#updateIndex((names) => names.delete(key));
      return deleted;
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const names = await this.#readIndex();
    return [...names].filter((name) => name.startsWith(prefix)).sort();
  }

  async #readIndex(): Promise<Set<string>> {
    const text = await this.#call('index read', (e) => e.getPassword(), INDEX_ACCOUNT);
    if (text === null) return new Set();
    try {
      const parsed = JSON.parse(text) as { v?: unknown; keys?: unknown };
      if (parsed.v === 1 && Array.isArray(parsed.keys)) {
        return new Set(parsed.keys.filter((k): k is string => typeof k === 'string'));
      }
    } catch {
      // Fall through: an unreadable index is rebuilt from the keys written from now on.
    }
    return new Set();
  }

  /** `change` answers whether it changed anything; an empty index is deleted rather than stored. */
  async #updateIndex(change: (names: Set<string>) => boolean): Promise<void> {
    const names = await this.#readIndex();
    if (!change(names)) return;
    if (names.size === 0) {
      await this.#call('index delete', (e) => e.deleteCredential(), INDEX_ACCOUNT);
      return;
    }
    const text = JSON.stringify({ v: 1, keys: [...names].sort() });
    await this.#call('index write', (e) => e.setPassword(text), INDEX_ACCOUNT);
  }

  async #call<T>(operation: string, action: (e: AsyncEntry) => Promise<T>, account: string): Promise<T> {
    try {
      return await whileServiceRestarts(() => action(entry(this.#service, account)));
    } catch (error) {
      throw unavailable(operation, error);
    }
  }
}
