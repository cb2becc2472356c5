/**
 * The ELK graph of an ER diagram: one node per table, a port at the row of each column an edge joins (FK columns on
 * the right side of a box, referenced columns on the left, positions fixed), one edge per foreign key between them.
 */
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { columnCenterY, type ErGraph } from './er-model.js';
import type { LayoutRequest } from './layout-types.js';

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.edgeNode': '18',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.componentComponent': '60',
  'elk.separateConnectedComponents': 'true',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

export function portId(table: string, side: 'in' | 'out', column: string): string {
  return `${table}\u0000${side}\u0000${column}`;
}

export function layoutRequestOf(graph: ErGraph, id: number): LayoutRequest {
  const ports = new Map<string, LayoutRequest['nodes'][number]['ports']>();
  const rowOf = new Map(graph.tables.map((t) => [t.id, new Map(t.columns.map((c, i) => [c.name, i]))]));
  const addPort = (table: string, side: 'in' | 'out', column: string): string => {
    const id = portId(table, side, column);
    const list = ports.get(table) ?? ports.set(table, []).get(table)!;
    if (!list.some((p) => p.id === id)) list.push({ id, side: side === 'out' ? 'EAST' : 'WEST', y: columnCenterY(rowOf.get(table)?.get(column) ?? 0) });
    return id;
  };
  const edges = graph.edges.map((e) => ({
    id: e.id,
    source: e.fromTable,
    target: e.toTable,
    sourcePort: addPort(e.fromTable, 'out', e.fromColumn),
    targetPort: addPort(e.toTable, 'in', e.toColumn),
  }));
  return { id, nodes: graph.tables.map((t) => ({ id: t.id, width: t.width, height: t.height, ports: ports.get(t.id) ?? [] })), edges };
}

export function elkGraphOf(request: LayoutRequest): ElkNode {
  return {
    id: 'root',
    layoutOptions: ROOT_OPTIONS,
    children: request.nodes.map((n) => ({
      id: n.id,
      width: n.width,
      height: n.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: n.ports.map((p) => ({ id: p.id, width: 0, height: 0, x: p.side === 'EAST' ? n.width : 0, y: p.y, layoutOptions: { 'elk.port.side': p.side } })),
    })),
    edges: request.edges.map((e) => ({ id: e.id, sources: [e.sourcePort], targets: [e.targetPort] })),
  };
}

