/**
 * `error.details.raw` — the driver's own message and stack — is there only when the bridge logs at debug level, and
 * never holds a secret: a wrong MariaDB password at debug level gives a raw "Access denied" without the password.
 * At info level no error has a `raw`. Real bridges, real drivers (MariaDB, PostgreSQL on a refused port, SQLite).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';

const mysql = await testDatabase('mysql');
const pg = await testDatabase('postgres');
const PASSWORD = `dbv-raw-${randomBytes(12).toString('hex')}`;

interface Raw {
  message: string;
  stack?: string;
}
const rawOf = (error: unknown): Raw | undefined => (error as { details?: { raw?: Raw } } | undefined)?.details?.raw;

describe.each([
  ['debug', true],
  ['info', false],
] as const)('a bridge at --log-level %s', (level, expectRaw) => {
  let bridge: BridgeProcess;
  let c: TestClient;
  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--no-ui', '--no-sample', '--log-level', level] });
    c = await connectWs(bridge.ready.url, bridge.token);
  });
  afterAll(async () => {
    await c?.close();
    await bridge?.stop();
  });

  it.skipIf(mysql.skip)(`${expectRaw ? 'adds' : 'does not add'} raw to a wrong-password failure, and never the password`, async () => {
    const { host, port, database } = configFromUrl(mysql.url!, 'test');
    const wrong: ConnectionConfig = { name: 'wrong', type: 'mysql', host, port, user: 'root', database, password: PASSWORD };
    const tested = await c.call('connection.test', { config: wrong });
    expect(tested).toMatchObject({ ok: false, error: { code: 'DB_AUTH_FAILED' } });
    const saved = await c.call('connection.create', { config: wrong });
    const listed = await c.request('metadata.listSchemas', { connectionId: saved.id });
    expect(listed).toMatchObject({ ok: false, error: { code: 'DB_AUTH_FAILED' } });
    for (const error of [tested.error, (listed as { error: unknown }).error]) {
      if (expectRaw) {
        expect(rawOf(error)?.message).toMatch(/Access denied/);
        expect(rawOf(error)?.stack).toMatch(/\n\s+at /);
      } else expect(rawOf(error)).toBeUndefined();
    }
    expect(JSON.stringify(c.messages)).not.toContain(PASSWORD);
    await c.call('connection.delete', { id: saved.id });
  });

  it.skipIf(pg.skip)(`${expectRaw ? 'adds' : 'does not add'} raw to a refused PostgreSQL connection`, async () => {
    const { host, user, database } = configFromUrl(pg.url!, 'refused');
    const tested = await c.call('connection.test', { config: { name: 'refused', type: 'postgres', host, port: 1, user, database, password: PASSWORD } });
    expect(tested).toMatchObject({ ok: false, error: { code: 'DB_CONN_REFUSED' } });
    if (expectRaw) expect(rawOf(tested.error)?.message).toMatch(/ECONNREFUSED/);
    else expect(rawOf(tested.error)).toBeUndefined();
    expect(JSON.stringify(tested)).not.toContain(PASSWORD);
  });

  it(`${expectRaw ? 'adds' : 'does not add'} raw to a failed run's query.error (SQLite)`, async () => {
    const saved = await c.call('connection.create', { config: { name: 'mem', type: 'sqlite', database: ':memory:', password: PASSWORD } });
    const { sessionId } = await c.call('query.createSession', { connectionId: saved.id });
    const { runId } = await c.call('query.run', { sessionId, sql: 'select * from no_such_table' });
    const run = await c.collectRun(runId);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]!.error).toMatchObject({ code: 'QUERY_FAILED' });
    if (expectRaw) expect(rawOf(run.errors[0]!.error)?.message).toMatch(/no such table/);
    else expect(rawOf(run.errors[0]!.error)).toBeUndefined();
    await c.call('query.closeSession', { sessionId });
    await c.call('connection.delete', { id: saved.id });
    expect(JSON.stringify(c.messages)).not.toContain(PASSWORD);
  });
});
