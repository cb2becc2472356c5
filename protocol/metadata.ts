import { z } from 'zod';
import { defineMethod } from './descriptor.js';

/** One shape for every database. Names are as the database spells them (case kept, no quoting). */
export interface ColumnInfo {
  name: string;
  /** The type as the database names it: `int4`, `numeric(12,2)`, `varchar(255)`, `INTEGER`. */
  type: string;
  nullable: boolean;
  default: string | null;
  primaryKey: boolean;
  comment: string | null;
  /** 1-based position in the table. */
  ordinal: number;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** btree, hash, gin… (null where the database does not say). */
  method: string | null;
}

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  referencedSchema: string | null;
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  /** The database's own estimate (pg reltuples, MySQL table_rows, SQLite: exact count only for small tables, else null). */
  rowEstimate: number | null;
  comment: string | null;
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

export interface RoutineInfo {
  name: string;
  kind: 'function' | 'procedure';
}

export interface SchemaInfo {
  name: string;
  tables: TableInfo[];
  views: TableInfo[];
  routines: RoutineInfo[];
}

export interface SchemaMetadata {
  /** The database (catalog) these schemas belong to; for SQLite the file name. */
  database: string;
  serverVersion?: string;
  schemas: SchemaInfo[];
}

const id = z.string().min(1).max(200);

export const metadataMethods = {
  listSchemas: defineMethod<SchemaMetadata>()('metadata.listSchemas', z.object({ connectionId: id }), ['connectionId']),
  tableInfo: defineMethod<TableInfo>()(
    'metadata.tableInfo',
    z.object({ connectionId: id, tableName: z.string().min(1).max(1024), schema: z.string().max(1024).optional() }),
    ['connectionId', 'tableName', 'schema'],
  ),
};
