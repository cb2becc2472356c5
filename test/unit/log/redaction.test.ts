/**
 * Secrets never reach the log file: every secret-bearing place a log record can hold one is written through a real
 * pino logger (the bridge's own createLogger, synchronous file mode) and the file is grepped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../supervisor/log/logger.js';
import { REDACT_CENSOR } from '../../../supervisor/log/redaction.js';

const SECRET = 'S3cr3t-redaction-7f1d2c';

/** Each record holds SECRET exactly once, at the place its name says. */
const RECORDS: Record<string, object> = {
  password: { password: SECRET },
  'config.password': { config: { host: 'db', password: SECRET } },
  'params.config.password': { params: { config: { name: 'x', password: SECRET } } },
  'params.config.ssl.key': { params: { config: { ssl: { rejectUnauthorized: true, key: SECRET } } } },
  'params.config.ssh.privateKey': { params: { config: { ssh: { host: 'h', user: 'u', privateKey: SECRET } } } },
  'params.config.ssh.passphrase': { params: { config: { ssh: { host: 'h', user: 'u', passphrase: SECRET } } } },
  'config.ssl.key': { config: { ssl: { key: SECRET } } },
  'config.ssh.privateKey': { config: { ssh: { privateKey: SECRET } } },
  masterPassword: { masterPassword: SECRET },
  'params.masterPassword': { params: { masterPassword: SECRET } },
  'params.value (secret.store)': { method: 'secret.store', params: { key: 'app/api-token', value: SECRET } },
  token: { token: SECRET },
  'headers.authorization': { headers: { authorization: `Bearer ${SECRET}` } },
  'req.headers.authorization': { req: { headers: { authorization: `Bearer ${SECRET}` } } },
  // A whole JSON-RPC request logged as one field: the config sits four and five levels down.
  'request.params.config.password': { request: { jsonrpc: '2.0', method: 'connection.create', params: { config: { password: SECRET } } } },
  'request.params.config.ssh.passphrase': { request: { params: { config: { ssh: { passphrase: SECRET } } } } },
  'request.params.config.ssl.key': { request: { params: { config: { ssl: { key: SECRET } } } } },
  'request.params.value': { request: { method: 'secret.store', params: { key: 'k', value: SECRET } } },
  // Positional params: the config is an array element.
  'params[0].password (positional)': { params: [{ name: 'x', password: SECRET }] },
  'params[1].password (positional update)': { params: ['conn_1', { password: SECRET }] },
};

describe('log redaction', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-log-redaction-'));
    file = join(dir, 'logs', 'test.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeAndRead = (obj: object, msg = 'record'): Array<Record<string, unknown>> => {
    const log = createLogger({ dataDir: dir, level: 'debug', syncFile: file });
    log.debug(obj, msg);
    log.flush();
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  for (const [place, record] of Object.entries(RECORDS)) {
    it(`replaces the secret at ${place} with "${REDACT_CENSOR}"`, () => {
      const lines = writeAndRead(record, `logged ${place}`);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(SECRET);
      expect(text).toContain(REDACT_CENSOR);
      // The record itself is still there and readable: redaction replaces a value, it does not drop the line.
      expect(lines.at(-1)).toMatchObject({ level: 20, msg: `logged ${place}` });
    });
  }

  it('keeps the secret out of a file holding every record at once, at every level', () => {
    const log = createLogger({ dataDir: dir, level: 'debug', syncFile: file });
    for (const record of Object.values(RECORDS)) {
      log.debug(record, 'debug');
      log.info(record, 'info');
      log.warn(record, 'warn');
      log.error(record, 'error');
      log.child({ component: 'test' }).info(record, 'child');
    }
    log.flush();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(Object.keys(RECORDS).length * 5);
    expect(text).not.toContain(SECRET);
    expect(text.split(REDACT_CENSOR).length - 1).toBeGreaterThanOrEqual(Object.keys(RECORDS).length * 5);
  });

  it('leaves non-secret fields alone', () => {
    const [line] = writeAndRead({ connectionId: 'conn_1', params: { config: { host: 'db.example', user: 'alice', password: SECRET } } });
    expect(line).toMatchObject({ connectionId: 'conn_1', params: { config: { host: 'db.example', user: 'alice', password: REDACT_CENSOR } } });
  });

  it('does not change the object the caller logged', () => {
    const record = { params: { config: { password: SECRET } } };
    writeAndRead(record);
    expect(record.params.config.password).toBe(SECRET);
  });
});
