/** The secret store as the rest of the supervisor sees it. Backends stay behind openSecretStore. */
export { openSecretStore, type OpenSecretStoreOptions, type SecretStore } from './secret-store.js';
export type { ConnectionSecrets, ConnectionSecretsPatch, PublicConfig } from './connection-secrets.js';
export { DEFAULT_KEYCHAIN_SERVICE, probeKeychain } from './keychain-backend.js';
export { SECRETS_FILE_NAME } from './encrypted-file-backend.js';
