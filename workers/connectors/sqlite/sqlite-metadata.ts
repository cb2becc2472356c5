/**
 * The schema of a SQLite database in the shared metadata shape (protocol/metadata.ts).
 *
 * Each kind of fact is one query joining sqlite_schema with a pragma table-valued function, so a database with
 * thousands of tables costs four queries, not four per table. Names are bound as values, never spliced, except the
 * schema name in `"schema".sqlite_schema`, which is quoted.
 */
import { BridgeError } from '../../../protocol/errors.js';
import type {
  ColumnInfo,
  ForeignKeyInfo,
  IndexInfo,
  ReferentialAction,
  SchemaMetadata,
  TableInfo,
} from '../../../protocol/index.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Names of SQLite's own tables (sqlite_sequence, sqlite_stat1…), hidden from the user's schema. */
const USER_OBJECTS = `s.type in ('table', 'view') and s.name not like 'sqlite\\_%' escape '\\'`;

export function readMetadata(db: SqliteDatabase, database: string): SchemaMetadata {
  const version = (db.prepare('select sqlite_version() as v').safeIntegers(false).get() as { v: string }).v;
  // Each connection has its own temp schema, so the metadata handle's one is always empty.
  const schemaNames = (db.prepare(`select name from pragma_database_list where name <> 'temp' order by seq`).all() as { name: string }[]).map((r) => r.name);
  const schemas = schemaNames.map((schema) => {
    const objects = readTables(db, schema);
    return {
      name: schema,
      tables: objects.filter((t) => t.kind === 'table'),
      views: objects.filter((t) => t.kind === 'view'),
      routines: [],
    };
  });
  return { database, serverVersion: version, schemas };
}

export function readTableInfo(db: SqliteDatabase, tableName: string, schema = 'main'): TableInfo {
  const known = (db.prepare(`select name from pragma_database_list where name = ?`).all(schema) as unknown[]).length > 0;
  const table = known ? readTables(db, schema, tableName)[0] : undefined;
  if (table === undefined) {
    throw new BridgeError('QUERY_FAILED', `No table or view named ${tableName} in schema ${schema}.`, { schema, tableName });
  }
  return table;
}

/** Whether a column may hold NULL: SQLite lets a PRIMARY KEY hold NULL unless it is the rowid (INTEGER PRIMARY KEY). */
export function isNullable(notNull: boolean, primaryKey: boolean, declaredType: string, pkColumnCount: number): boolean {
  if (notNull) return false;
  return !(primaryKey && pkColumnCount === 1 && declaredType.toUpperCase() === 'INTEGER');
}

interface ColumnRow {
  tableName: string;
  kind: 'table' | 'view';
  cid: number;
  name: string;
  type: string;
  notNull: number;
  dflt: string | null;
  pk: number;
}

function readTables(db: SqliteDatabase, schema: string, only?: string): TableInfo[] {
  const q = quoteIdent(schema);
  const filter = only === undefined ? '' : 'and s.name = @only';
  const args = only === undefined ? { schema } : { schema, only };
  const tables = new Map<string, TableInfo>();
  const objects = db.prepare(`select s.name as name, s.type as kind from ${q}.sqlite_schema s where ${USER_OBJECTS} ${filter} order by s.name`)
    .safeIntegers(false).all(args) as { name: string; kind: 'table' | 'view' }[];
  for (const o of objects) {
    tables.set(o.name, { schema, name: o.name, kind: o.kind, rowEstimate: null, comment: null, columns: [], indexes: [], foreignKeys: [] });
  }
  if (tables.size === 0) return [];
  addColumns(db, tables, q, filter, args);
  addIndexes(db, tables, q, filter, args);
  addForeignKeys(db, tables, q, filter, args);
  addRowEstimates(db, tables, q);
  return [...tables.values()];
}

type Args = { schema: string; only?: string };

/**
 * Runs a joined catalog query over all objects. One broken object (a view over a dropped table, a virtual table of
 * an unloaded module) fails such a query as a whole; then it is read object by object and the broken ones are
 * left out, so they are listed without columns, indexes or keys instead of hiding the whole schema.
 */
function allTolerant<Row>(db: SqliteDatabase, query: (where: string) => string, filter: string, args: Args, names: Iterable<string>): Row[] {
  try {
    return db.prepare(query(filter)).safeIntegers(false).all(args) as Row[];
  } catch {
    const rows: Row[] = [];
    const one = db.prepare(query('and s.name = @only')).safeIntegers(false);
    for (const only of names) {
      try {
        rows.push(...(one.all({ schema: args.schema, only }) as Row[]));
      } catch {
        // this object cannot be described
      }
    }
    return rows;
  }
}

function addColumns(db: SqliteDatabase, tables: Map<string, TableInfo>, q: string, filter: string, args: Args): void {
  // hidden = 1 marks a virtual table's hidden columns; 2 and 3 are generated columns, which are real columns.
  const query = (where: string) => `select s.name as tableName, s.type as kind, c.cid, c.name, c.type, c."notnull" as "notNull",
      c.dflt_value as dflt, c.pk
    from ${q}.sqlite_schema s join pragma_table_xinfo(s.name, @schema) c
    where ${USER_OBJECTS} and c.hidden <> 1 ${where} order by s.name, c.cid`;
  const rows = allTolerant<ColumnRow>(db, query, filter, args, tables.keys());
  const pkCounts = new Map<string, number>();
  for (const r of rows) if (r.pk > 0) pkCounts.set(r.tableName, (pkCounts.get(r.tableName) ?? 0) + 1);
  for (const r of rows) {
    const column: ColumnInfo = {
      name: r.name,
      type: r.type,
      nullable: isNullable(r.notNull > 0, r.pk > 0, r.type, pkCounts.get(r.tableName) ?? 0),
      default: r.dflt,
      primaryKey: r.pk > 0,
      comment: null,
      ordinal: r.cid + 1,
    };
    tables.get(r.tableName)?.columns.push(column);
  }
}

function addIndexes(db: SqliteDatabase, tables: Map<string, TableInfo>, q: string, filter: string, args: Args): void {
  const query = (where: string) => `select s.name as tableName, il.name as indexName, il."unique" as isUnique, il.origin,
      ii.name as columnName
    from ${q}.sqlite_schema s join pragma_index_list(s.name, @schema) il join pragma_index_info(il.name, @schema) ii
    where s.type = 'table' and s.name not like 'sqlite\\_%' escape '\\' ${where} order by s.name, il.name, ii.seqno`;
  type IndexRow = { tableName: string; indexName: string; isUnique: number; origin: string; columnName: string | null };
  const rows = allTolerant<IndexRow>(db, query, filter, args, tables.keys());
  const byIndex = new Map<string, IndexInfo>();
  for (const r of rows) {
    const key = `${r.tableName}\u0000${r.indexName}`;
    let index = byIndex.get(key);
    if (index === undefined) {
      // origin 'pk' is the automatic index of a non-INTEGER primary key; an INTEGER PRIMARY KEY is the rowid, no index.
      index = { name: r.indexName, columns: [], unique: r.isUnique > 0, primary: r.origin === 'pk', method: 'btree' };
      byIndex.set(key, index);
      tables.get(r.tableName)?.indexes.push(index);
    }
    // An expression in an index has no column name; SQLite keeps its text only inside the CREATE INDEX statement.
    index.columns.push(r.columnName ?? '<expression>');
  }
}

interface ForeignKeyRow {
  tableName: string;
  id: number;
  refTable: string;
  fromColumn: string;
  toColumn: string | null;
  onUpdate: ReferentialAction;
  onDelete: ReferentialAction;
}

function addForeignKeys(db: SqliteDatabase, tables: Map<string, TableInfo>, q: string, filter: string, args: Args): void {
  const query = (where: string) => `select s.name as tableName, fk.id, fk."table" as refTable, fk."from" as fromColumn,
      fk."to" as toColumn, fk.on_update as onUpdate, fk.on_delete as onDelete
    from ${q}.sqlite_schema s join pragma_foreign_key_list(s.name, @schema) fk
    where s.type = 'table' and s.name not like 'sqlite\\_%' escape '\\' ${where} order by s.name, fk.id, fk.seq`;
  const rows = allTolerant<ForeignKeyRow>(db, query, filter, args, tables.keys());
  const byKey = new Map<string, ForeignKeyInfo & { implicitTarget: boolean }>();
  for (const r of rows) {
    const key = `${r.tableName}\u0000${r.id}`;
    let fk = byKey.get(key);
    if (fk === undefined) {
      fk = {
        name: '',
        columns: [],
        referencedSchema: args.schema,
        referencedTable: r.refTable,
        referencedColumns: [],
        onDelete: r.onDelete,
        onUpdate: r.onUpdate,
        implicitTarget: false,
      };
      byKey.set(key, fk);
    }
    fk.columns.push(r.fromColumn);
    if (r.toColumn === null) fk.implicitTarget = true;
    else fk.referencedColumns.push(r.toColumn);
  }
  for (const [key, { implicitTarget, ...fk }] of byKey) {
    // `REFERENCES parent` without a column list means the parent's primary key, in its declared order.
    if (implicitTarget) fk.referencedColumns = primaryKeyColumns(db, args.schema, fk.referencedTable);
    const tableName = key.slice(0, key.indexOf('\u0000'));
    // SQLite keeps a constraint's name only in the CREATE TABLE text; this is pg's naming pattern instead.
    fk.name = `${tableName}_${fk.columns.join('_')}_fkey`;
    tables.get(tableName)?.foreignKeys.push(fk);
  }
}

function primaryKeyColumns(db: SqliteDatabase, schema: string, table: string): string[] {
  const rows = db.prepare('select name from pragma_table_info(?, ?) where pk > 0 order by pk').all(table, schema) as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * SQLite keeps no running row count; counting is a full scan. The only estimate it has is sqlite_stat1, written by
 * ANALYZE: the first number of each index's stat is that index's row count. Without ANALYZE the estimate is null.
 */
function addRowEstimates(db: SqliteDatabase, tables: Map<string, TableInfo>, q: string): void {
  const hasStats = db.prepare(`select 1 from ${q}.sqlite_schema where type = 'table' and name = 'sqlite_stat1'`).get() !== undefined;
  if (!hasStats) return;
  const rows = db.prepare(`select tbl, max(cast(stat as integer)) as n from ${q}.sqlite_stat1 group by tbl`)
    .safeIntegers(false).all() as { tbl: string; n: number | null }[];
  for (const r of rows) {
    const table = tables.get(r.tbl);
    if (table !== undefined && table.kind === 'table' && r.n !== null) table.rowEstimate = r.n;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
