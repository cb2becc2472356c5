/**
 * Every place a secret can sit in something we might log: connection configs (as given to create/update/test, and
 * nested in RPC params), secret.* params, auth headers and tokens. pino replaces them with "[redacted]".
 * test/unit/log/redaction.test.ts writes each of these through a real logger and greps the file.
 */
const SECRET_FIELDS = ['password', 'masterPassword', 'passphrase', 'privateKey', 'token', 'authorization', 'secret', 'value'];

/** Secret-bearing fields at up to three levels of nesting (`password`, `config.password`, `params.config.password`). */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'ssl.key',
  '*.ssl.key',
  '*.*.ssl.key',
  'headers.authorization',
  'req.headers.authorization',
  'params.config.ssh.privateKey',
  'params.config.ssh.passphrase',
  'params.config.ssl.key',
];

export const REDACT_CENSOR = '[redacted]';
