/** secret.* — the app's own secrets. Keys under `connection/` belong to saved connections: never readable or writable here. */
import { BridgeError } from '../../../protocol/index.js';
import type { SecretStore } from '../../secrets/index.js';
import type { HandlerTable } from '../router.js';

const RESERVED_PREFIX = 'connection/';

function refuseReserved(key: string): void {
  if (key.startsWith(RESERVED_PREFIX)) {
    throw new BridgeError('FORBIDDEN', 'Keys under connection/ hold saved connections\' credentials and are not accessible', { key });
  }
}

export function secretHandlers(store: SecretStore): HandlerTable {
  return {
    'secret.store': async ({ key, value }) => {
      refuseReserved(key);
      await store.set(key, value);
      return {};
    },
    'secret.get': async ({ key }) => {
      refuseReserved(key);
      return { value: await store.get(key) };
    },
    'secret.delete': async ({ key }) => {
      refuseReserved(key);
      return { deleted: await store.delete(key) };
    },
    'secret.status': () => store.status(),
    'secret.unlock': async ({ masterPassword }) => {
      await store.unlock(masterPassword);
      return {};
    },
  };
}
