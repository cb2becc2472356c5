/**
 * PostgreSQL's driver-level dump (see driver-dump.ts): schemas, sequences, tables with their columns and defaults,
 * rows as INSERTs of text literals (every PostgreSQL type reads back its own text form), then primary/unique/check
 * constraints, foreign keys, other indexes, sequence positions and views. Not covered: functions, triggers,
 * custom types, comments, grants — the native pg_dump covers those.
 */
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { Emit } from './driver-dump.js';
import { pgClient } from './postgres-backup.js';
import type { TaskChannel } from './task-channel.js';
import type { BackupTaskInput } from '../channel/backup-task-types.js';
import { TableWeights } from './tool-args.js';

const ROWS_PER_INSERT = 500;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** An E'' literal: backslashes and quotes escaped, newlines written as \n so a statement stays on one line. */
function literal(value: string): string {
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
}

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  bytes: string;
}

export async function pgDumpStatements(task: BackupTaskInput, emit: Emit, channel: TaskChannel): Promise<void> {
  const client = await pgClient(task.conn);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";
    let tables = (
      await client.query<TableRow>(
        `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND ${userSchemas} ORDER BY c.oid`,
      )
    ).rows;
    const wanted = task.tables;
    if (wanted?.length) tables = tables.filter((t) => wanted.includes(t.name) || wanted.includes(`${t.schema}.${t.name}`));
    const oids = tables.map((t) => t.oid);
    const views = wanted?.length
      ? []
      : (
          await client.query<{ schema: string; name: string; def: string }>(
            `SELECT n.nspname AS schema, c.relname AS name, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'v' AND ${userSchemas} ORDER BY c.oid`,
          )
        ).rows;
    const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;

    await emit("SET client_encoding = 'UTF8'");
    await emit('SET standard_conforming_strings = on');
    for (const v of [...views].reverse()) await emit(`DROP VIEW IF EXISTS ${qualified(v.schema, v.name)} CASCADE`);
    for (const t of tables) await emit(`DROP TABLE IF EXISTS ${qualified(t.schema, t.name)} CASCADE`);
    const schemas = [...new Set([...tables.map((t) => t.schema), ...views.map((v) => v.schema)])].filter((s) => s !== 'public');
    for (const schema of schemas) await emit(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);

    // Sequences the tables' columns use (serial defaults and identity columns).
    const sequences = (
      await client.query<{ schema: string; name: string; tschema: string; tname: string; col: string; identity: boolean }>(
        `SELECT sn.nspname AS schema, s.relname AS name, tn.nspname AS tschema, t.relname AS tname, a.attname AS col, d.deptype = 'i' AS identity
           FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
           JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND t.oid = ANY($1)`,
        [oids],
      )
    ).rows;
    for (const s of sequences.filter((s) => !s.identity)) await emit(`CREATE SEQUENCE IF NOT EXISTS ${qualified(s.schema, s.name)}`);

    const weights = new TableWeights(tables.map((t) => ({ name: `${t.schema}.${t.name}`, bytes: Number(t.bytes) })));
    const columnsOf = new Map<number, Array<{ name: string; generated: boolean }>>();
    for (const t of tables) {
      const cols = (
        await client.query<{ name: string; type: string; notnull: boolean; def: string | null; identity: string; generated: string }>(
          `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
                  pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
          [t.oid],
        )
      ).rows;
      columnsOf.set(t.oid, cols.map((c) => ({ name: c.name, generated: c.generated !== '' })));
      const defs = cols.map((c) => {
        let def = `${ident(c.name)} ${c.type}`;
        if (c.generated) def += ` GENERATED ALWAYS AS (${c.def}) STORED`;
        else if (c.identity) def += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
        else if (c.def !== null) def += ` DEFAULT ${c.def}`;
        if (c.notnull) def += ' NOT NULL';
        return def;
      });
      await emit(`CREATE TABLE ${qualified(t.schema, t.name)} (${defs.join(', ')})`);
    }
    for (const s of sequences.filter((s) => !s.identity)) {
      await emit(`ALTER SEQUENCE ${qualified(s.schema, s.name)} OWNED BY ${qualified(s.tschema, s.tname)}.${ident(s.col)}`);
    }

    for (const t of tables) {
      channel.progress(2 + 90 * weights.starting(`${t.schema}.${t.name}`), 'dumping', `${t.schema}.${t.name}`);
      const cols = columnsOf.get(t.oid)!.filter((c) => !c.generated);
      if (cols.length === 0) continue;
      await dumpRows(client, qualified(t.schema, t.name), cols.map((c) => ident(c.name)), emit);
    }

    const constraints = (
      await client.query<{ schema: string; tname: string; name: string; def: string; type: string; ref: number }>(
        `SELECT n.nspname AS schema, t.relname AS tname, c.conname AS name, pg_get_constraintdef(c.oid) AS def, c.contype AS type, c.confrelid::int AS ref
           FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.conrelid = ANY($1) AND c.contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY c.contype = 'f', c.oid`,
        [oids],
      )
    ).rows;
    for (const c of constraints) {
      // A table backup leaves out foreign keys to tables it does not contain.
      if (c.type === 'f' && !oids.includes(c.ref)) continue;
      await emit(`ALTER TABLE ${qualified(c.schema, c.tname)} ADD CONSTRAINT ${ident(c.name)} ${c.def}`);
    }
    const indexes = (
      await client.query<{ def: string }>(
        `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
          WHERE i.indrelid = ANY($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY i.indexrelid`,
        [oids],
      )
    ).rows;
    for (const i of indexes) await emit(i.def);
    for (const s of sequences) {
      const { rows } = await client.query<{ last: string; called: boolean }>(`SELECT last_value::text AS last, is_called AS called FROM ${qualified(s.schema, s.name)}`);
      const target = s.identity ? `pg_get_serial_sequence(${literal(`${ident(s.tschema)}.${ident(s.tname)}`)}, ${literal(s.col)})` : literal(`${ident(s.schema)}.${ident(s.name)}`);
      await emit(`SELECT setval(${target}, ${rows[0]!.last}, ${rows[0]!.called})`);
    }
    for (const v of views) await emit(`CREATE VIEW ${qualified(v.schema, v.name)} AS ${v.def.trim().replace(/;$/, '')}`);
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dumpRows(client: pg.Client, table: string, columns: string[], emit: Emit): Promise<void> {
  const select = `SELECT ${columns.map((c) => `${c}::text`).join(', ')} FROM ${table}`;
  const cursor = client.query(new Cursor(select, [], { rowMode: 'array' }));
  try {
    for (;;) {
      const rows = (await cursor.read(ROWS_PER_INSERT)) as Array<Array<string | null>>;
      if (rows.length === 0) break;
      const values = rows.map((row) => `(${row.map((v) => (v === null ? 'NULL' : literal(v))).join(', ')})`);
      await emit(`INSERT INTO ${table} (${columns.join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${values.join(', ')}`);
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}
