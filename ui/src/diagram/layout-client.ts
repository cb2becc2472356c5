/**
 * ER layouts with ELK (layered, orthogonal edge routing), run in elkjs's own Web Worker (`elk-worker.min.js`,
 * bundled as an asset): the main thread only posts the graph and reads the result, so a 300-table schema that takes
 * ELK seconds does not block the page (docs/benchmarks.md "ER diagram layout"). Edges attach to ports at their
 * columns' rows (layout-request.ts).
 *
 * A newer request supersedes an older one: the older promise resolves with null, so a filter change while a large
 * layout runs never draws a stale picture.
 */
import ElkConstructor, { type ELK } from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ErGraph } from './er-model.js';
import { elkGraphOf, layoutRequestOf } from './layout-request.js';
import type { LayoutResult, Point } from './layout-types.js';

let elk: ELK | null = null;
let latest = 0;

/** Lays `graph` out in the worker; null when a newer layout was asked for meanwhile. */
export async function layoutInWorker(graph: ErGraph): Promise<LayoutResult | null> {
  const id = ++latest;
  elk ??= new ElkConstructor({ workerUrl: elkWorkerUrl });
  const started = performance.now();
  const laidOut = await elk.layout(elkGraphOf(layoutRequestOf(graph, id)));
  if (id !== latest) return null;
  const positions: Record<string, Point> = {};
  for (const child of laidOut.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  const routes: Record<string, Point[]> = {};
  for (const edge of laidOut.edges ?? []) {
    const section = edge.sections?.[0];
    if (section) routes[edge.id] = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y }));
  }
  return { id, positions, routes, width: laidOut.width ?? 0, height: laidOut.height ?? 0, layoutMs: performance.now() - started };
}
