/**
 * The metadata case's schema: 2,000 tables × 10 columns, each with a primary key, a secondary index and a foreign
 * key to the previous table, in a database of its own (`dbv_bench_meta`) on PostgreSQL and on MariaDB. Generated
 * once and reused while it is complete (the last table exists with its foreign key); an incomplete one is rebuilt.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MYSQL_HOST, PG_HOST } from './datasets.js';

export const META_DATABASE = 'dbv_bench_meta';
export const META_TABLES = 2_000;

const tableName = (i: number): string => `t${String(i).padStart(4, '0')}`;

/** Column list shared by both engines except for the types, which are given per engine. */
function tableDdl(i: number, types: { serial: string; text: string; money: string; time: string; flag: string }): string[] {
  const name = tableName(i);
  const fk = i > 1 ? `, constraint ${name}_parent_fk foreign key (parent_id) references ${tableName(i - 1)} (id)` : '';
  return [
    `create table ${name} (
       id ${types.serial} primary key, parent_id integer, code varchar(32) not null, title ${types.text},
       amount ${types.money}, quantity integer default 0, created_at ${types.time}, updated_at ${types.time},
       active ${types.flag} default true, note varchar(200)${fk})`,
    `create index ${name}_code_idx on ${name} (code, created_at)`,
  ];
}

export async function ensurePostgresMetaSchema(log: (line: string) => void): Promise<void> {
  const admin = new pg.Client({ ...PG_HOST, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [META_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`create database ${META_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ ...PG_HOST, database: META_DATABASE });
  await db.connect();
  try {
    const done = await db.query(`select count(*)::int as n from pg_constraint where conname = $1`, [`${tableName(META_TABLES)}_parent_fk`]);
    if (done.rows[0].n === 1) return;
    log(`  generating ${META_TABLES} tables in PostgreSQL ${META_DATABASE}…`);
    await db.query('drop schema public cascade; create schema public');
    const types = { serial: 'serial', text: 'text', money: 'numeric(12,2)', time: 'timestamptz', flag: 'boolean' };
    // 100 tables per transaction: one transaction for all 2,000 exhausts max_locks_per_transaction.
    for (let from = 1; from <= META_TABLES; from += 100) {
      const ddl: string[] = [];
      for (let i = from; i < from + 100 && i <= META_TABLES; i++) ddl.push(...tableDdl(i, types));
      await db.query(`begin; ${ddl.join(';\n')}; commit`);
    }
  } finally {
    await db.end();
  }
}

export async function ensureMysqlMetaSchema(log: (line: string) => void): Promise<void> {
  const db = await mysql.createConnection({ ...MYSQL_HOST });
  try {
    await db.query(`create database if not exists ${META_DATABASE}`);
    await db.query(`use ${META_DATABASE}`);
    const [rows] = await db.query(
      `select count(*) as n from information_schema.REFERENTIAL_CONSTRAINTS where CONSTRAINT_SCHEMA = ? and CONSTRAINT_NAME = ?`,
      [META_DATABASE, `${tableName(META_TABLES)}_parent_fk`],
    );
    if (Number((rows as Array<{ n: number }>)[0].n) === 1) return;
    log(`  generating ${META_TABLES} tables in MariaDB ${META_DATABASE} (a few minutes)…`);
    await db.query(`drop database ${META_DATABASE}`);
    await db.query(`create database ${META_DATABASE}`);
    await db.query(`use ${META_DATABASE}`);
    const types = { serial: 'int auto_increment', text: 'text', money: 'decimal(12,2)', time: 'datetime', flag: 'boolean' };
    for (let i = 1; i <= META_TABLES; i++) for (const ddl of tableDdl(i, types)) await db.query(ddl);
  } finally {
    await db.end();
  }
}
