/**
 * Result-column types: the RowDescription gives (dataTypeID, dataTypeModifier); the name shown to the user is
 * PostgreSQL's own type name with its modifier, as docs/api.md spells it: `int4`, `int8`, `numeric(12,2)`,
 * `varchar(255)`, `timestamptz`, `int4[]` (see PG_TYPE_NAME) — the same names the catalog metadata reports, so a
 * column reads alike in the result grid and in the schema tree.
 *
 * OIDs are per database and a worker serves one connection (one database), so the cache lives as long as the
 * connector. Unseen pairs of one result set are resolved in one catalog query.
 */
import type { ColumnMeta } from '../../../protocol/index.js';
import { converterFor, type CellConverter, type PgTypeFacts } from './postgres-values.js';

export interface PgField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

export interface ResolvedColumns {
  columns: ColumnMeta[];
  converters: CellConverter[];
}

interface CachedType {
  name: string;
  converter: CellConverter;
}

/** Runs one catalog query on some connection other than the busy session client. */
export type CatalogQuery = (text: string, values: unknown[]) => Promise<unknown[][]>;

/**
 * SQL for a type's display name: `pg_type.typname` (the element's, plus `[]`, for an array) with the modifier that
 * format_type() prints, e.g. `(12,2)` or `(255)`. `t`/`e` are the pg_type rows of the type and of its element.
 */
export function pgTypeNameSql(oid: string, typmod: string): string {
  const modifier = `coalesce(substring(format_type(${oid}, ${typmod}) from '(\\([^)]*\\))'), '')`;
  return `CASE WHEN t.typcategory = 'A' AND e.oid IS NOT NULL THEN e.typname || ${modifier} || '[]' ELSE t.typname || ${modifier} END`;
}

const LOOKUP_SQL = `
SELECT u.o::int8::text, u.m, ${pgTypeNameSql('u.o', 'u.m')}, t.typcategory, t.typelem::int8::text, e.typcategory, e.typdelim
  FROM unnest($1::oid[], $2::int4[]) AS u(o, m)
  LEFT JOIN pg_catalog.pg_type t ON t.oid = u.o
  LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typelem <> 0`;

function key(oid: number, typmod: number): string {
  return `${oid}:${typmod}`;
}

export class PgTypeResolver {
  readonly #cache = new Map<string, CachedType>();
  readonly #catalog: CatalogQuery;

  constructor(catalog: CatalogQuery) {
    this.#catalog = catalog;
  }

  /** Column metadata and value converters for a result set, querying the catalog only for unseen types. */
  async resolve(fields: readonly PgField[]): Promise<ResolvedColumns> {
    const unseen = new Map<string, PgField>();
    for (const f of fields) {
      const k = key(f.dataTypeID, f.dataTypeModifier);
      if (!this.#cache.has(k)) unseen.set(k, f);
    }
    if (unseen.size > 0) await this.#load([...unseen.values()]);
    const columns: ColumnMeta[] = [];
    const converters: CellConverter[] = [];
    for (const f of fields) {
      const t = this.#cache.get(key(f.dataTypeID, f.dataTypeModifier));
      columns.push({ name: f.name, type: t?.name ?? String(f.dataTypeID) });
      converters.push(t?.converter ?? ((text) => text));
    }
    return { columns, converters };
  }

  async #load(fields: PgField[]): Promise<void> {
    const rows = await this.#catalog(LOOKUP_SQL, [
      fields.map((f) => f.dataTypeID),
      fields.map((f) => f.dataTypeModifier),
    ]);
    for (const row of rows) {
      const [oidText, typmod, name, category, elemText, elemCategory, elemDelim] = row as [
        string,
        number,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
      ];
      const oid = Number(oidText);
      const facts: PgTypeFacts = {
        oid,
        category: category ?? 'U',
        element:
          elemText !== null && elemText !== '0' && elemCategory !== null
            ? { oid: Number(elemText), category: elemCategory, delimiter: elemDelim ?? ',' }
            : null,
      };
      this.#cache.set(key(oid, Number(typmod)), { name: name ?? String(oid), converter: converterFor(facts) });
    }
  }
}
