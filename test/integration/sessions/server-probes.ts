/**
 * Direct driver connections, outside the bridge, to see what the database server itself is doing: whether a
 * statement is still executing after the bridge said it was cancelled, and to seed the tables the tests read.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Every table of these tests lives in this schema (pg) / database (MariaDB). */
export const SCHEMA = 'dbv_sessions';

export interface ServerProbe {
  /** How many statements containing `marker` are executing right now, other than the probe's own. */
  running(marker: string): Promise<number>;
  /** Creates `dbv_sessions.<table>` with `rows` deterministic rows (id, name, amount), replacing an older one. */
  seedItems(table: string, rows: number): Promise<void>;
  query(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** The deterministic row `id` of the seeded tables, as the bridge returns it (numeric as a string). */
export function expectedItem(id: number): { id: number; name: string; amount: string } {
  return { id, name: `item ${id}`, amount: ((id * 37) % 10_000 / 100).toFixed(2) };
}

export async function pgProbe(url: string): Promise<ServerProbe> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async running(marker) {
      // An idle backend keeps its last statement in `query`: only state 'active' means it is still executing.
      const result = await client.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()",
        [`%${marker}%`],
      );
      return Number(result.rows[0]!.n);
    },
    async seedItems(table, rows) {
      await createSchemaOnce(client);
      await client.query(`drop table if exists ${SCHEMA}.${table}`);
      await client.query(`create table ${SCHEMA}.${table} (id int primary key, name varchar(40) not null, amount numeric(12,2) not null)`);
      await client.query(
        `insert into ${SCHEMA}.${table} select g, 'item ' || g, ((g * 37) % 10000) / 100.0 from generate_series(1, $1::int) g`,
        [rows],
      );
    },
    async query(sql) {
      return (await client.query(sql)).rows;
    },
    close: () => client.end(),
  };
}

/** `create schema if not exists` races with itself when two test files start together; the loser may retry. */
async function createSchemaOnce(client: pg.Client): Promise<void> {
  try {
    await client.query(`create schema if not exists ${SCHEMA}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
  }
}

export async function mysqlProbe(url: string): Promise<ServerProbe> {
  const connection = await mysql.createConnection({ uri: url });
  connection.on('error', () => undefined);
  return {
    async running(marker) {
      const [rows] = await connection.query(
        "select count(*) as n from information_schema.processlist where info like ? and id <> connection_id() and command <> 'Sleep'",
        [`%${marker}%`],
      );
      return Number((rows as Array<{ n: number }>)[0]!.n);
    },
    async seedItems(table, rows) {
      await connection.query(`create database if not exists ${SCHEMA}`);
      await connection.query(`drop table if exists ${SCHEMA}.${table}`);
      await connection.query(`create table ${SCHEMA}.${table} (id int primary key, name varchar(40) not null, amount decimal(12,2) not null)`);
      await connection.query(
        `insert into ${SCHEMA}.${table} select seq, concat('item ', seq), ((seq * 37) % 10000) / 100 from seq_1_to_${Math.trunc(rows)}`,
      );
    },
    async query(sql) {
      return (await connection.query(sql))[0] as unknown[];
    },
    close: () => connection.end(),
  };
}
