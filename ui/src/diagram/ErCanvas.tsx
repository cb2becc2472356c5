/**
 * The laid-out diagram as SVG with pan (drag) and zoom (wheel, around the pointer). To stay smooth at hundreds of
 * tables it draws only the boxes inside the viewport, and below half size only their outlines and names (columns
 * are unreadable there anyway); the edges are always all drawn.
 */
import { memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
import { BOX, type ErEdge, type ErGraph, type ErTable } from './er-model.js';
import type { LayoutResult, Point } from './layout-types.js';

interface View {
  x: number;
  y: number;
  k: number;
}

export interface ErCanvasHandle {
  fit(): void;
}

const MIN_ZOOM = 0.03;
const MAX_ZOOM = 2.5;
/** Below this zoom a box shows only its name. */
const DETAIL_ZOOM = 0.5;

export function ErCanvas(props: {
  graph: ErGraph;
  layout: LayoutResult;
  selected: string | null;
  onSelect: (table: string | null) => void;
  onOpen: (table: string) => void;
  handle?: Ref<ErCanvasHandle>;
}) {
  const { graph, layout, selected } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const drag = useRef<{ startX: number; startY: number; view: View; moved: boolean } | null>(null);

  useLayoutEffect(() => {
    const host = hostRef.current!;
    const observer = new ResizeObserver(() => setSize({ width: host.clientWidth, height: host.clientHeight }));
    observer.observe(host);
    setSize({ width: host.clientWidth, height: host.clientHeight });
    return () => observer.disconnect();
  }, []);

  const fit = useCallback(() => {
    const host = hostRef.current;
    if (!host) return;
    const width = host.clientWidth;
    const height = host.clientHeight;
    const k = clamp(Math.min(width / Math.max(1, layout.width), height / Math.max(1, layout.height)) * 0.96, MIN_ZOOM, 1);
    setView({ k, x: (width - layout.width * k) / 2, y: (height - layout.height * k) / 2 });
  }, [layout]);
  useLayoutEffect(fit, [fit]);
  useImperativeHandle(props.handle, () => ({ fit }), [fit]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const host = hostRef.current!;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = host.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      setView((v) => {
        const k = clamp(v.k * Math.exp(-event.deltaY * 0.0015), MIN_ZOOM, MAX_ZOOM);
        return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
      });
    };
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => host.removeEventListener('wheel', onWheel);
  }, []);

  const tablesById = useMemo(() => new Map(graph.tables.map((t) => [t.id, t])), [graph]);
  const margin = 200 / view.k;
  const left = -view.x / view.k - margin;
  const top = -view.y / view.k - margin;
  const right = left + size.width / view.k + 2 * margin;
  const bottom = top + size.height / view.k + 2 * margin;
  const detailed = view.k >= DETAIL_ZOOM;
  const visible = graph.tables.filter((t) => {
    const p = layout.positions[t.id];
    return p !== undefined && p.x < right && p.x + t.width > left && p.y < bottom && p.y + t.height > top;
  });

  return (
    <div
      ref={hostRef}
      className="er-canvas"
      data-testid="er-canvas"
      data-zoom={view.k.toFixed(3)}
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        drag.current = { startX: event.clientX, startY: event.clientY, view, moved: false };
        (event.currentTarget as HTMLDivElement).setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        const d = drag.current;
        if (!d) return;
        const dx = event.clientX - d.startX;
        const dy = event.clientY - d.startY;
        if (!d.moved && Math.hypot(dx, dy) < 4) return;
        d.moved = true;
        setView({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
      }}
      onPointerUp={(event) => {
        const d = drag.current;
        drag.current = null;
        if (d?.moved) return;
        // A click (not a drag): on a box selects its table, on the background clears the selection.
        const box = (document.elementFromPoint(event.clientX, event.clientY) as Element | null)?.closest('[data-table]');
        props.onSelect(box?.getAttribute('data-table') ?? null);
      }}
      onDoubleClick={(event) => {
        // The pointer capture makes the host the click's target: look at what is under the pointer.
        const box = (document.elementFromPoint(event.clientX, event.clientY) as Element | null)?.closest('[data-table]');
        if (box) props.onOpen(box.getAttribute('data-table')!);
      }}
    >
      <svg width={size.width} height={size.height} role="img" aria-label={`ER diagram of schema ${graph.schema}`}>
        <defs>
          <marker id="er-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="er-arrow-head" />
          </marker>
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          <Edges edges={graph.edges} routes={layout.routes} selected={selected} />
          {visible.map((t) => (
            <TableBox key={t.id} table={t} at={layout.positions[t.id]!} detailed={detailed} selected={t.id === selected} />
          ))}
        </g>
      </svg>
      <div className="er-zoom muted">{Math.round(view.k * 100)}% · {visible.length} of {tablesById.size} tables drawn</div>
    </div>
  );
}

const Edges = memo(function Edges(props: { edges: ErEdge[]; routes: Record<string, Point[]>; selected: string | null }) {
  return (
    <g className="er-edges">
      {props.edges.map((e) => {
        const route = props.routes[e.id];
        if (!route) return null;
        const active = props.selected !== null && (e.fromTable === props.selected || e.toTable === props.selected);
        return (
          <path
            key={e.id}
            className={active ? 'er-edge active' : 'er-edge'}
            data-edge={e.name}
            data-from={`${e.fromTable}.${e.fromColumn}`}
            data-to={`${e.toTable}.${e.toColumn}`}
            d={pathOf(route)}
            markerEnd="url(#er-arrow)"
          >
            <title>{`${e.name}: ${e.fromTable}.${e.fromColumn} → ${e.toTable}.${e.toColumn}`}</title>
          </path>
        );
      })}
    </g>
  );
});

const TableBox = memo(function TableBox(props: { table: ErTable; at: Point; detailed: boolean; selected: boolean }) {
  const { table, at } = props;
  return (
    <g className={props.selected ? 'er-table selected' : 'er-table'} data-table={table.id} transform={`translate(${at.x},${at.y})`}>
      <rect className="er-box" width={table.width} height={table.height} rx="5" />
      <path className="er-header" d={`M0,5 a5,5 0 0 1 5,-5 h${table.width - 10} a5,5 0 0 1 5,5 v${BOX.headerHeight - 5} h${-table.width} z`} />
      <text className="er-title" x={BOX.paddingX} y={BOX.headerHeight / 2 + 5}>
        {table.id}
      </text>
      {props.detailed &&
        table.columns.map((c, i) => {
          const y = BOX.headerHeight + i * BOX.rowHeight + BOX.rowHeight / 2 + 4;
          return (
            <g key={c.name} className="er-column">
              <text className={c.primaryKey ? 'er-key pk' : 'er-key fk'} x={BOX.paddingX - 4} y={y}>
                {c.primaryKey ? 'PK' : c.foreignKey ? 'FK' : ''}
              </text>
              <text className="er-col-name" x={BOX.paddingX + BOX.keyWidth - 4} y={y}>
                {c.name}
              </text>
              <text className="er-col-type" x={table.width - BOX.paddingX} y={y} textAnchor="end">
                {c.type}
              </text>
            </g>
          );
        })}
    </g>
  );
});

export function pathOf(route: Point[]): string {
  return route.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
