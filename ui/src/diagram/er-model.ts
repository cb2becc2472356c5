/**
 * The ER diagram's model, built from `metadata.listSchemas`: one box per table of a schema (its columns, keys
 * marked) and one edge per foreign key whose referenced table is in the same schema, from the first FK column to the
 * first referenced column. Box sizes are estimated from character counts so that no text has to be measured on the
 * main thread before the layout worker can start.
 */
import type { SchemaInfo, TableInfo } from '../../../protocol/metadata.js';

export interface ErColumn {
  name: string;
  type: string;
  primaryKey: boolean;
  foreignKey: boolean;
  nullable: boolean;
}

export interface ErTable {
  /** The table's name: unique within its schema, so it is the node id. */
  id: string;
  info: TableInfo;
  columns: ErColumn[];
  width: number;
  height: number;
}

export interface ErEdge {
  id: string;
  /** The foreign key's own name. */
  name: string;
  fromTable: string;
  fromColumn: string;
  toTable: string;
  toColumn: string;
}

export interface ErGraph {
  schema: string;
  tables: ErTable[];
  edges: ErEdge[];
  /** Foreign keys to tables of other schemas: not drawn, counted for the status line. */
  outsideEdges: number;
}

/** Box geometry, shared by the layout request, the SVG on screen and the exported SVG. */
export const BOX = {
  headerHeight: 28,
  rowHeight: 20,
  paddingX: 10,
  /** Average advance of a 12px monospace character. */
  charWidth: 7.3,
  minWidth: 140,
  maxWidth: 420,
  keyWidth: 22,
  gap: 14,
} as const;

export function buildErGraph(schema: SchemaInfo): ErGraph {
  const tables = schema.tables.map(toErTable);
  const names = new Set(tables.map((t) => t.id));
  const edges: ErEdge[] = [];
  let outsideEdges = 0;
  for (const table of schema.tables) {
    for (const fk of table.foreignKeys) {
      const sameSchema = fk.referencedSchema === null || fk.referencedSchema === schema.name;
      if (!sameSchema || !names.has(fk.referencedTable)) {
        outsideEdges++;
        continue;
      }
      edges.push({
        id: `${table.name}\u0000${fk.name}\u0000${edges.length}`,
        name: fk.name,
        fromTable: table.name,
        fromColumn: fk.columns[0] ?? '',
        toTable: fk.referencedTable,
        toColumn: fk.referencedColumns[0] ?? '',
      });
    }
  }
  return { schema: schema.name, tables, edges, outsideEdges };
}

function toErTable(info: TableInfo): ErTable {
  const fkColumns = new Set(info.foreignKeys.flatMap((fk) => fk.columns));
  const columns = info.columns.map((c) => ({ name: c.name, type: c.type, primaryKey: c.primaryKey, foreignKey: fkColumns.has(c.name), nullable: c.nullable }));
  const longestRow = Math.max(0, ...columns.map((c) => c.name.length + c.type.length));
  const textWidth = Math.max(info.name.length * (BOX.charWidth + 0.7), longestRow * BOX.charWidth + BOX.keyWidth + BOX.gap);
  const width = Math.round(Math.min(BOX.maxWidth, Math.max(BOX.minWidth, textWidth + 2 * BOX.paddingX)));
  const height = BOX.headerHeight + Math.max(1, columns.length) * BOX.rowHeight + 4;
  return { id: info.name, info, columns, width, height };
}

/** The y of a column's row centre inside its box. */
export function columnCenterY(index: number): number {
  return BOX.headerHeight + index * BOX.rowHeight + BOX.rowHeight / 2;
}

/**
 * The tables within `hops` foreign-key steps of `focus`, in either direction (a table's parents and children are
 * both its neighbours).
 */
export function neighbourhood(graph: ErGraph, focus: string, hops: number): Set<string> {
  const adjacent = new Map<string, string[]>();
  const link = (a: string, b: string) => (adjacent.get(a) ?? adjacent.set(a, []).get(a)!).push(b);
  for (const edge of graph.edges) {
    link(edge.fromTable, edge.toTable);
    link(edge.toTable, edge.fromTable);
  }
  const seen = new Set([focus]);
  let frontier = [focus];
  for (let step = 0; step < hops && frontier.length > 0; step++) {
    const next: string[] = [];
    for (const table of frontier) {
      for (const other of adjacent.get(table) ?? []) {
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** The part of the graph made of `keep`'s tables and the edges between them. */
export function subgraph(graph: ErGraph, keep: Set<string>): ErGraph {
  return {
    schema: graph.schema,
    tables: graph.tables.filter((t) => keep.has(t.id)),
    edges: graph.edges.filter((e) => keep.has(e.fromTable) && keep.has(e.toTable)),
    outsideEdges: graph.outsideEdges,
  };
}
