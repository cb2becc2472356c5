/**
 * The ER diagram's model: one box per table with its keys marked, one edge per foreign key inside the schema (those
 * to other schemas counted, not drawn), the neighbourhood of a table N hops out in both directions, and the layout
 * request's ports at the rows of the columns the edges join.
 */
import { describe, expect, it } from 'vitest';
import type { SchemaInfo, TableInfo } from '../../../protocol/index.js';
import { BOX, buildErGraph, neighbourhood, subgraph } from '../../../ui/src/diagram/er-model.js';
import { layoutRequestOf } from '../../../ui/src/diagram/layout-request.js';

function table(name: string, columns: string[], fks: Array<[string, string, string, string?]> = []): TableInfo {
  return {
    schema: 'app',
    name,
    kind: 'table',
    rowEstimate: null,
    comment: null,
    columns: columns.map((c, i) => ({ name: c, type: 'int', nullable: false, default: null, primaryKey: c === 'id', comment: null, ordinal: i + 1 })),
    indexes: [],
    foreignKeys: fks.map(([column, refTable, refColumn, refSchema]) => ({
      name: `${name}_${column}_fk`,
      columns: [column],
      referencedSchema: refSchema ?? 'app',
      referencedTable: refTable,
      referencedColumns: [refColumn],
      onDelete: 'NO ACTION',
      onUpdate: 'NO ACTION',
    })),
  };
}

// a ← b ← c ← d, and e alone; c also points to a table of another schema.
const schema: SchemaInfo = {
  name: 'app',
  views: [],
  routines: [],
  tables: [
    table('a', ['id']),
    table('b', ['id', 'a_id'], [['a_id', 'a', 'id']]),
    table('c', ['id', 'b_id', 'x_id'], [['b_id', 'b', 'id'], ['x_id', 'x', 'id', 'other']]),
    table('d', ['id', 'c_id'], [['c_id', 'c', 'id']]),
    table('e', ['id']),
  ],
};

describe('the ER model', () => {
  const graph = buildErGraph(schema);

  it('has a box per table and an edge per foreign key within the schema', () => {
    expect(graph.tables.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(graph.edges.map((e) => `${e.fromTable}.${e.fromColumn}->${e.toTable}.${e.toColumn}`)).toEqual(['b.a_id->a.id', 'c.b_id->b.id', 'd.c_id->c.id']);
    expect(graph.outsideEdges).toBe(1);
    const c = graph.tables.find((t) => t.id === 'c')!;
    expect(c.columns.map((col) => [col.name, col.primaryKey, col.foreignKey])).toEqual([['id', true, false], ['b_id', false, true], ['x_id', false, true]]);
    expect(c.height).toBe(BOX.headerHeight + 3 * BOX.rowHeight + 4);
    expect(c.width).toBeGreaterThanOrEqual(BOX.minWidth);
  });

  it('finds the neighbours N hops out, both ways', () => {
    expect([...neighbourhood(graph, 'b', 1)].sort()).toEqual(['a', 'b', 'c']);
    expect([...neighbourhood(graph, 'b', 2)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...neighbourhood(graph, 'e', 3)]).toEqual(['e']);
    const part = subgraph(graph, neighbourhood(graph, 'a', 1));
    expect(part.tables.map((t) => t.id)).toEqual(['a', 'b']);
    expect(part.edges).toHaveLength(1);
  });

  it('asks the layout for ports at the joined columns: FK side east, referenced side west', () => {
    const request = layoutRequestOf(graph, 7);
    expect(request.id).toBe(7);
    const c = request.nodes.find((n) => n.id === 'c')!;
    // c.b_id (row 2) points out to b; d points in at c.id (row 1).
    expect(c.ports.map((p) => [p.side, p.y])).toEqual([
      ['EAST', BOX.headerHeight + BOX.rowHeight + BOX.rowHeight / 2],
      ['WEST', BOX.headerHeight + BOX.rowHeight / 2],
    ]);
    expect(request.edges).toHaveLength(3);
  });
});
