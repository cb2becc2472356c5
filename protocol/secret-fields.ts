/**
 * The secret-bearing fields of a connection config, as paths — the one definition every part of the bridge derives
 * from: what app.db may not hold (supervisor/secrets/connection-secrets.ts), the keys in the secret store
 * (`connection/<id>/<path>`), and what a worker masks in diagnostics (workers/error-diagnostics.ts). Schema-free, so
 * workers may import it.
 */
export const SECRET_CONFIG_PATHS = ['password', 'ssl.key', 'ssh.password', 'ssh.privateKey', 'ssh.passphrase'] as const;

export type SecretConfigPath = (typeof SECRET_CONFIG_PATHS)[number];

/** The value at a secret path of a config (or of any object shaped like one), if it is a string. */
export function secretValueAt(config: object, path: SecretConfigPath): string | undefined {
  let value: unknown = config;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}
