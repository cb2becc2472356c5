/**
 * The soak's databases: on the real PostgreSQL and MariaDB (TEST_PG_URL / TEST_MYSQL_URL, else the local services
 * README.md's "Set up" names) a main database with the fixture table and an empty restore target, named
 * `dbv_soak_<pid>_main` / `_restore` so that two soaks never share one; two SQLite files likewise. Also the servers'
 * own view of the soak's connections, which must fall back to the pools' idle connections at every quiet point.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { join } from 'node:path';
import type { ConnectionConfig } from '../../protocol/index.js';
import { fixtureDdl, type Engine } from './expected-data.js';

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const PREFIX = 'dbv_soak_';

export interface ServerActivity {
  /** Connections to the soak's databases (pools and sessions of the bridge, and its jobs). */
  connections: number;
  /** Of those, the ones running a statement. */
  active: number;
  /** What they run, for a violation's details. */
  statements: string[];
}

export interface SoakDatabases {
  /** The connection config of each engine's main and restore database. */
  config(engine: Engine, role: 'main' | 'restore'): ConnectionConfig;
  activity(engine: 'postgres' | 'mysql'): Promise<ServerActivity>;
  drop(): Promise<void>;
}

function serverOf(url: string): { host: string; port: number; user: string; password?: string; database: string } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    database: parsed.pathname.slice(1),
  };
}

/** Databases of earlier soaks whose process is gone (a run that was killed): dropped before this one starts. */
function staleNames(names: string[]): string[] {
  return names.filter((name) => {
    const pid = Number(/^dbv_soak_(\d+)_/.exec(name)?.[1]);
    if (!Number.isInteger(pid)) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

export async function prepareDatabases(workDir: string): Promise<SoakDatabases> {
  const pgServer = serverOf(process.env.TEST_PG_URL ?? DEFAULT_PG_URL);
  const myServer = serverOf(process.env.TEST_MYSQL_URL ?? DEFAULT_MYSQL_URL);
  const name = (role: string) => `${PREFIX}${process.pid}_${role}`;

  const pgAdmin = new pg.Client({ ...pgServer });
  pgAdmin.on('error', () => undefined);
  await pgAdmin.connect();
  const myAdmin = await mysql.createConnection({ ...myServer, multipleStatements: false });

  const pgExisting = (await pgAdmin.query<{ datname: string }>(`select datname from pg_database where datname like '${PREFIX}%'`)).rows.map((r) => r.datname);
  for (const stale of staleNames(pgExisting)) await pgAdmin.query(`drop database if exists "${stale}" with (force)`);
  const [myRows] = await myAdmin.query(`select schema_name as name from information_schema.schemata where schema_name like '${PREFIX}%'`);
  for (const stale of staleNames((myRows as Array<{ name: string }>).map((r) => r.name))) await myAdmin.query(`drop database if exists \`${stale}\``);

  for (const role of ['main', 'restore']) {
    await pgAdmin.query(`drop database if exists "${name(role)}" with (force)`);
    await pgAdmin.query(`create database "${name(role)}"`);
    await myAdmin.query(`drop database if exists \`${name(role)}\``);
    await myAdmin.query(`create database \`${name(role)}\``);
  }
  const pgMain = new pg.Client({ ...pgServer, database: name('main') });
  await pgMain.connect();
  for (const sql of fixtureDdl('postgres')) await pgMain.query(sql);
  await pgMain.end();
  const myMain = await mysql.createConnection({ ...myServer, database: name('main') });
  for (const sql of fixtureDdl('mysql')) await myMain.query(sql);
  await myMain.end();
  const sqlitePath = (role: string) => join(workDir, `soak-${role}.sqlite`);
  for (const role of ['main', 'restore']) {
    const db = new Database(sqlitePath(role));
    db.pragma('journal_mode = WAL');
    if (role === 'main') for (const sql of fixtureDdl('sqlite')) db.exec(sql);
    db.close();
  }

  return {
    config(engine, role) {
      const base = { name: `soak ${engine} ${role}` };
      if (engine === 'sqlite') return { ...base, type: 'sqlite', database: sqlitePath(role) };
      const server = engine === 'postgres' ? pgServer : myServer;
      return { ...base, type: engine, host: server.host, port: server.port, user: server.user, database: name(role), ...(server.password ? { password: server.password } : {}) };
    },
    async activity(engine) {
      if (engine === 'postgres') {
        const { rows } = await pgAdmin.query<{ state: string | null; query: string }>(
          `select state, query from pg_stat_activity where datname like '${PREFIX}${process.pid}\\_%' and pid <> pg_backend_pid()`,
        );
        const active = rows.filter((row) => row.state !== null && row.state !== 'idle');
        return { connections: rows.length, active: active.length, statements: active.map((row) => `${row.state}: ${row.query.slice(0, 120)}`) };
      }
      const [rows] = await myAdmin.query(
        `select command, state, info from information_schema.processlist where db like '${PREFIX}${process.pid}\\_%' and id <> connection_id()`,
      );
      const list = rows as Array<{ command: string; state: string | null; info: string | null }>;
      const active = list.filter((row) => row.command !== 'Sleep');
      return { connections: list.length, active: active.length, statements: active.map((row) => `${row.command}: ${(row.info ?? '').slice(0, 120)}`) };
    },
    async drop() {
      for (const role of ['main', 'restore']) {
        await pgAdmin.query(`drop database if exists "${name(role)}" with (force)`).catch(() => undefined);
        await myAdmin.query(`drop database if exists \`${name(role)}\``).catch(() => undefined);
      }
      await pgAdmin.end().catch(() => undefined);
      await myAdmin.end().catch(() => undefined);
    },
  };
}
