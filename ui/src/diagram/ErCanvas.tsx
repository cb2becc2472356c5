/**
 * The laid-out diagram as SVG with pan (drag) and zoom (wheel, around the pointer). To stay smooth at hundreds of
 * tables (docs/benchmarks.md "ER diagram layout"):
 * - a pan or zoom step only moves the drawing (a CSS transform of its layer); React draws again once the view has
 *   settled for a moment, for the two things that depend on it:
 * - only the boxes in or near the viewport are drawn, and with a level of detail: columns from half size up, names
 *   from a fifth, bare boxes below (text that small is unreadable, and text is what costs). Edges are always drawn.
 */
import { memo, startTransition, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
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
/** From this zoom a box shows its columns, */
const COLUMNS_ZOOM = 0.5;
/** and from this one its name. */
const NAMES_ZOOM = 0.2;
/** Around the viewport, the share of its size within which boxes are drawn too. */
const MARGIN = 0.25;
/** How long the view must rest before React draws it again (culling, level of detail). */
const SETTLE_MS = 120;

type Detail = 'columns' | 'names' | 'boxes';

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
  /** The view React last drew, and the live one that pan and zoom move ahead of it. */
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const live = useRef<View>(view);
  const layer = useRef<HTMLDivElement>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const drag = useRef<{ startX: number; startY: number; view: View; moved: boolean } | null>(null);

  const moveTo = useCallback((next: View, now = false) => {
    live.current = next;
    const element = layer.current;
    if (element) element.style.transform = transformOf(next);
    clearTimeout(settle.current);
    if (now) {
      element?.classList.remove('moving');
      setView(next);
      return;
    }
    // While moving, the drawing is its own compositor layer: the browser moves and scales it without painting it
    // again. At rest it is painted at the new scale, sharp.
    element?.classList.add('moving');
    settle.current = setTimeout(() => {
      element?.classList.remove('moving');
      // Time-sliced: boxes coming into view (or gaining their columns) are rendered between the page's other work.
      startTransition(() => setView(live.current));
    }, SETTLE_MS);
  }, []);
  useEffect(() => () => clearTimeout(settle.current), []);

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
    moveTo({ k, x: (width - layout.width * k) / 2, y: (height - layout.height * k) / 2 }, true);
  }, [layout, moveTo]);
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
      const v = live.current;
      const k = clamp(v.k * Math.exp(-event.deltaY * 0.0015), MIN_ZOOM, MAX_ZOOM);
      moveTo({ k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k });
    };
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => host.removeEventListener('wheel', onWheel);
  }, [moveTo]);

  const tablesById = useMemo(() => new Map(graph.tables.map((t) => [t.id, t])), [graph]);
  // A margin of a quarter viewport on every side, so a short pan shows boxes already drawn until React catches up.
  const left = -view.x / view.k - (MARGIN * size.width) / view.k;
  const top = -view.y / view.k - (MARGIN * size.height) / view.k;
  const right = left + ((1 + 2 * MARGIN) * size.width) / view.k;
  const bottom = top + ((1 + 2 * MARGIN) * size.height) / view.k;
  const detail: Detail = view.k >= COLUMNS_ZOOM ? 'columns' : view.k >= NAMES_ZOOM ? 'names' : 'boxes';
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
        drag.current = { startX: event.clientX, startY: event.clientY, view: live.current, moved: false };
        (event.currentTarget as HTMLDivElement).setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        const d = drag.current;
        if (!d) return;
        const dx = event.clientX - d.startX;
        const dy = event.clientY - d.startY;
        if (!d.moved && Math.hypot(dx, dy) < 4) return;
        d.moved = true;
        moveTo({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
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
      <div ref={layer} className="er-layer" style={{ transform: transformOf(live.current) }}>
        <svg width={Math.ceil(layout.width)} height={Math.ceil(layout.height)} role="img" aria-label={`ER diagram of schema ${graph.schema}`}>
          <defs>
            <marker id="er-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="er-arrow-head" />
            </marker>
          </defs>
          <Edges edges={graph.edges} routes={layout.routes} selected={selected} />
          {visible.map((t) => (
            <TableBox key={t.id} table={t} at={layout.positions[t.id]!} detail={detail} selected={t.id === selected} />
          ))}
        </svg>
      </div>
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
          />
        );
      })}
    </g>
  );
});

const TableBox = memo(function TableBox(props: { table: ErTable; at: Point; detail: Detail; selected: boolean }) {
  const { table, at } = props;
  return (
    <g className={`er-table ${props.detail}${props.selected ? ' selected' : ''}`} data-table={table.id} transform={`translate(${at.x},${at.y})`}>
      <rect className="er-box" width={table.width} height={table.height} rx="5" />
      {props.detail !== 'boxes' && (
        <>
          <path className="er-header" d={`M0,5 a5,5 0 0 1 5,-5 h${table.width - 10} a5,5 0 0 1 5,5 v${BOX.headerHeight - 5} h${-table.width} z`} />
          <text className="er-title" x={BOX.paddingX} y={BOX.headerHeight / 2 + 5}>
            {table.id}
          </text>
        </>
      )}
      {props.detail === 'columns' &&
        table.columns.map((c, i) => {
          const y = BOX.headerHeight + i * BOX.rowHeight + BOX.rowHeight / 2 + 4;
          return (
            <g key={c.name} className="er-column">
              {(c.primaryKey || c.foreignKey) && (
                <text className={c.primaryKey ? 'er-key pk' : 'er-key fk'} x={BOX.paddingX - 4} y={y}>
                  {c.primaryKey ? 'PK' : 'FK'}
                </text>
              )}
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

function transformOf(view: View): string {
  return `translate(${view.x}px, ${view.y}px) scale(${view.k})`;
}

export function pathOf(route: Point[]): string {
  return route.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
