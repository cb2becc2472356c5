import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableInfo } from '../../../protocol/index.js';
import { rejection, sqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

const DDL = `
create table "Parent Table" (
  "Key A" text not null,
  "kéy_b" integer not null,
  label text default 'n/a',
  primary key ("Key A", "kéy_b")
);
create table "Child" (
  id integer primary key,
  "parentA" text,
  "parentB" integer,
  "Ünïcode 名前" text not null,
  foreign key ("parentA", "parentB") references "Parent Table" ("Key A", "kéy_b") on delete cascade on update set null
);
create unique index "Child_名前_idx" on "Child" ("Ünïcode 名前", id);
create table employees (
  id integer primary key,
  manager_id integer references employees on delete set null,
  "Quoted""Name" varchar(20),
  created_at text default current_timestamp
);
create index employees_manager on employees (manager_id);
create view "Child View" as select id, "Ünïcode 名前" as n, 1 + 1 as two from "Child";
`;

const column = (name: string, ordinal: number, type: string, more: Partial<TableInfo['columns'][number]> = {}) => ({
  name,
  type,
  nullable: true,
  default: null,
  primaryKey: false,
  comment: null,
  ordinal,
  ...more,
});

const CHILD: TableInfo = {
  schema: 'main',
  name: 'Child',
  kind: 'table',
  rowEstimate: null,
  comment: null,
  columns: [
    column('id', 1, 'INTEGER', { nullable: false, primaryKey: true }),
    column('parentA', 2, 'TEXT'),
    column('parentB', 3, 'INTEGER'),
    column('Ünïcode 名前', 4, 'TEXT', { nullable: false }),
  ],
  indexes: [{ name: 'Child_名前_idx', columns: ['Ünïcode 名前', 'id'], unique: true, primary: false, method: 'btree' }],
  foreignKeys: [
    {
      name: 'Child_parentA_parentB_fkey',
      columns: ['parentA', 'parentB'],
      referencedSchema: 'main',
      referencedTable: 'Parent Table',
      referencedColumns: ['Key A', 'kéy_b'],
      onDelete: 'CASCADE',
      onUpdate: 'SET NULL',
    },
  ],
};

const PARENT: TableInfo = {
  schema: 'main',
  name: 'Parent Table',
  kind: 'table',
  rowEstimate: null,
  comment: null,
  columns: [
    column('Key A', 1, 'TEXT', { nullable: false, primaryKey: true }),
    column('kéy_b', 2, 'INTEGER', { nullable: false, primaryKey: true }),
    column('label', 3, 'TEXT', { default: "'n/a'" }),
  ],
  indexes: [{ name: 'sqlite_autoindex_Parent Table_1', columns: ['Key A', 'kéy_b'], unique: true, primary: true, method: 'btree' }],
  foreignKeys: [],
};

const EMPLOYEES: TableInfo = {
  schema: 'main',
  name: 'employees',
  kind: 'table',
  rowEstimate: null,
  comment: null,
  columns: [
    column('id', 1, 'INTEGER', { nullable: false, primaryKey: true }),
    column('manager_id', 2, 'INTEGER'),
    column('Quoted"Name', 3, 'varchar(20)'),
    column('created_at', 4, 'TEXT', { default: 'current_timestamp' }),
  ],
  indexes: [{ name: 'employees_manager', columns: ['manager_id'], unique: false, primary: false, method: 'btree' }],
  // `references employees` names no column: the target is the parent's primary key.
  foreignKeys: [
    {
      name: 'employees_manager_id_fkey',
      columns: ['manager_id'],
      referencedSchema: 'main',
      referencedTable: 'employees',
      referencedColumns: ['id'],
      onDelete: 'SET NULL',
      onUpdate: 'NO ACTION',
    },
  ],
};

const CHILD_VIEW: TableInfo = {
  schema: 'main',
  name: 'Child View',
  kind: 'view',
  rowEstimate: null,
  comment: null,
  columns: [column('id', 1, 'INTEGER'), column('n', 2, 'TEXT'), column('two', 3, '')],
  indexes: [],
  foreignKeys: [],
};

describe('SQLite metadata', () => {
  let fx: SqliteFixture;
  afterEach(async () => fx.cleanup());

  it('lists one schema "main" with tables and views described exactly, names round-tripped', async () => {
    fx = sqliteFixture(DDL);
    const meta = await fx.connector.getMetadata();
    expect(meta.database).toBe('fixture.db');
    expect(meta.serverVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(meta.schemas).toEqual([{ name: 'main', tables: [CHILD, PARENT, EMPLOYEES], views: [CHILD_VIEW], routines: [] }]);
  });

  it('tableInfo returns the same object for one table or view, and QUERY_FAILED for an unknown one', async () => {
    fx = sqliteFixture(DDL);
    expect(await fx.connector.tableInfo('Parent Table')).toEqual(PARENT);
    expect(await fx.connector.tableInfo('Child View', 'main')).toEqual(CHILD_VIEW);
    expect(await rejection(fx.connector.tableInfo('child view'))).toMatchObject({ code: 'QUERY_FAILED' });
    expect(await rejection(fx.connector.tableInfo('Child', 'nosuch'))).toMatchObject({ code: 'QUERY_FAILED' });
  });

  it('hides SQLite internal tables and reports row estimates only after ANALYZE', async () => {
    fx = sqliteFixture(`create table t (id integer primary key autoincrement, v text);
      create index t_v on t (v);
      insert into t (v) select 'x' || value from json_each('[1,2,3,4,5,6,7]');`);
    expect((await fx.connector.tableInfo('t')).rowEstimate).toBeNull();
    const db = new Database(fx.path);
    db.exec('analyze');
    db.close();
    const meta = await fx.connector.getMetadata();
    expect(meta.schemas[0].tables.map((t) => t.name)).toEqual(['t']);
    expect(meta.schemas[0].tables[0].rowEstimate).toBe(7);
  });

  it('still describes the rest when one view is broken (its table was dropped)', async () => {
    fx = sqliteFixture('create table a (x int); create table gone (y int); create view broken as select y from gone; drop table gone;');
    const meta = await fx.connector.getMetadata();
    expect(meta.schemas[0].tables.map((t) => [t.name, t.columns.map((c) => c.name)])).toEqual([['a', ['x']]]);
    expect(meta.schemas[0].views.map((t) => [t.name, t.columns.length])).toEqual([['broken', 0]]);
  });

  it('describes generated columns and WITHOUT ROWID primary keys', async () => {
    fx = sqliteFixture(`create table w (k text primary key, n int, twice int generated always as (n * 2) virtual) without rowid`);
    const w = await fx.connector.tableInfo('w');
    expect(w.columns).toEqual([
      column('k', 1, 'TEXT', { nullable: false, primaryKey: true }),
      column('n', 2, 'INT'),
      column('twice', 3, 'INT'),
    ]);
    expect(w.indexes).toEqual([{ name: 'sqlite_autoindex_w_1', columns: ['k'], unique: true, primary: true, method: 'btree' }]);
  });
});
