/**
 * Every place a secret can sit in something we might log: connection configs (as given to create/update/test, and
 * nested in RPC params), secret.* params, auth headers and tokens. pino replaces them with "[redacted]".
 * test/unit/log/redaction.test.ts writes each of these through a real logger and greps the file.
 */
const SECRET_FIELDS = [
  'password',
  'masterPassword',
  'passphrase',
  'privateKey',
  'sslKey',
  'sshPrivateKey',
  'sshPassphrase',
  'sshPassword',
  'token',
  'authorization',
  'secret',
  'value',
];

/**
 * Secret-bearing fields at up to five levels of nesting: `password`, `config.password`, `params.config.password`, and a
 * whole request logged as one field (`request.params.config.password`, `request.params.config.ssh.passphrase`).
 */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.*.*.${f}`),
  'ssl.key',
  '*.ssl.key',
  '*.*.ssl.key',
  '*.*.*.ssl.key',
  'headers.authorization',
  'req.headers.authorization',
  'params.config.ssh.privateKey',
  'params.config.ssh.passphrase',
  'params.config.ssh.password',
  'params.config.ssl.key',
];

export const REDACT_CENSOR = '[redacted]';
