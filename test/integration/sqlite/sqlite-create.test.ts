/**
 * A SQLite connection to a missing file is DB_NOT_FOUND — a typo in a path never silently makes an empty database.
 * `extra.create: true` is the explicit way to make a new one: the file is created on first use (an absolute path in
 * an existing directory), and it is a real database a table can be made in.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';
import { connectWs, type TestClient } from '../../helpers/clients.js';

describe('creating a new SQLite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbv-sqlite-create-'));
  let bridge: BridgeProcess;
  let c: TestClient;
  beforeAll(async () => {
    bridge = await startBridgeProcess({ args: ['--no-ui', '--no-sample'] });
    c = await connectWs(bridge.ready.url, bridge.token);
  });
  afterAll(async () => {
    await c?.close();
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (file: string, extra: ConnectionConfig['extra'] = {}): ConnectionConfig => ({ name: file, type: 'sqlite', database: join(dir, file), extra });

  const run = async (connectionId: string, sql: string) => {
    const { sessionId } = await c.call('query.createSession', { connectionId });
    const { runId } = await c.call('query.run', { sessionId, sql, opts: { rowFormat: 'array' } });
    const result = await c.collectRun(runId);
    await c.call('query.closeSession', { sessionId });
    return result;
  };

  it('without extra.create: a missing file is DB_NOT_FOUND, and no file appears', async () => {
    const missing = config('missing.db');
    expect(await c.call('connection.test', { config: missing })).toMatchObject({ ok: false, error: { code: 'DB_NOT_FOUND' } });
    const saved = await c.call('connection.create', { config: missing });
    expect(await c.request('metadata.listSchemas', { connectionId: saved.id })).toMatchObject({ ok: false, error: { code: 'DB_NOT_FOUND' } });
    expect(existsSync(missing.database!)).toBe(false);
  });

  it('with extra.create: the file is created, a table can be made and read back', async () => {
    const fresh = config('fresh.db', { create: true });
    const saved = await c.call('connection.create', { config: fresh });
    expect(saved.extra).toEqual({ create: true });
    expect(await c.call('connection.test', { connectionId: saved.id })).toMatchObject({ ok: true });
    expect(existsSync(fresh.database!)).toBe(true);
    const made = await run(saved.id, "create table notes (id integer primary key, body text); insert into notes (body) values ('hello'); select id, body from notes");
    expect(made.done.status).toBe('success');
    expect(made.results.flatMap((r) => r.rows)).toEqual([['1', 'hello']]);
    const meta = await c.call('metadata.listSchemas', { connectionId: saved.id });
    expect(meta.schemas.flatMap((s) => s.tables.map((t) => t.name))).toContain('notes');
  });

  it('opens an existing file with extra.create without touching its content', async () => {
    const again = await c.call('connection.create', { config: { ...config('fresh.db', { create: true }), name: 'again' } });
    const read = await run(again.id, 'select body from notes');
    expect(read.results.flatMap((r) => r.rows)).toEqual([['hello']]);
  });

  it('can be switched on by connection.update', async () => {
    const saved = await c.call('connection.create', { config: config('later.db') });
    expect(await c.call('connection.test', { connectionId: saved.id })).toMatchObject({ ok: false, error: { code: 'DB_NOT_FOUND' } });
    await c.call('connection.update', { id: saved.id, config: { extra: { create: true } } });
    expect(await c.call('connection.test', { connectionId: saved.id })).toMatchObject({ ok: true });
    expect(existsSync(join(dir, 'later.db'))).toBe(true);
  });

  it('refuses a relative path, :memory:, a ".." segment or a directory (INVALID_PATH), read-only or a non-SQLite type (INVALID_PARAMS)', async () => {
    const refused = [
      [{ name: 'rel', type: 'sqlite', database: 'relative.db', extra: { create: true } }, 'INVALID_PATH'],
      [{ name: 'mem', type: 'sqlite', database: ':memory:', extra: { create: true } }, 'INVALID_PATH'],
      [{ name: 'dots', type: 'sqlite', database: `${dir}/../escape.db`, extra: { create: true } }, 'INVALID_PATH'],
      [{ name: 'dir', type: 'sqlite', database: dir, extra: { create: true } }, 'INVALID_PATH'],
      [config('ro.db', { create: true, readOnly: true }), 'INVALID_PARAMS'],
      [{ name: 'pg', type: 'postgres', host: '127.0.0.1', extra: { create: true } }, 'INVALID_PARAMS'],
    ] as const;
    for (const [bad, code] of refused) {
      expect(await c.request('connection.create', { config: bad as ConnectionConfig }), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code } });
      expect(await c.request('connection.test', { config: bad as ConnectionConfig })).toMatchObject({ ok: false, error: { code } });
    }
    expect(existsSync(join(process.cwd(), 'relative.db'))).toBe(false);
    const saved = await c.call('connection.create', { config: config('ro.db') });
    expect(await c.request('connection.update', { id: saved.id, config: { extra: { create: true, readOnly: true } } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS' },
    });
  });

  it('still needs the directory: a missing one is DB_NOT_FOUND', async () => {
    const nested = { ...config('x.db', { create: true }), database: join(dir, 'no-such-dir', 'x.db') };
    expect(await c.call('connection.test', { config: nested })).toMatchObject({ ok: false, error: { code: 'DB_NOT_FOUND' } });
  });
});
