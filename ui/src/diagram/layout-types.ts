/** The layout's input (boxes with ports, edges between ports) and output (positions, orthogonal routes). */

export interface LayoutRequest {
  id: number;
  nodes: Array<{ id: string; width: number; height: number; ports: Array<{ id: string; side: 'EAST' | 'WEST'; y: number }> }>;
  edges: Array<{ id: string; sourcePort: string; targetPort: string; source: string; target: string }>;
}

export interface Point {
  x: number;
  y: number;
}

export interface LayoutResult {
  id: number;
  /** Top-left corner of each table's box. */
  positions: Record<string, Point>;
  /** Each edge's orthogonal route: start, bends, end. */
  routes: Record<string, Point[]>;
  width: number;
  height: number;
  /** From the request to the result: ELK in its worker, plus the messages. */
  layoutMs: number;
}
