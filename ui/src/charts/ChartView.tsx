/**
 * A chart of the shown result set: kind, x column, y columns and an optional grouping column, drawn with ECharts
 * (canvas), with zoom (re-sampled from all rows: chart-option.ts), PNG and SVG export, and save (chart.save) so it
 * can be reopened with its query from the Charts dialog.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { CHART_KINDS, type ChartKind, type ChartSpec } from '../../../protocol/charts.js';
import { describeError } from '../bridge/bridge.js';
import { Dialog } from '../app/Dialog.js';
import { useTabs } from '../app/tabs-store.js';
import { download } from '../results/export.js';
import type { ResultSet } from '../results/result-set.js';
import './charts.css';
import { chartStateOf, useChartState } from './chart-state.js';
import { columnKind, guessSpec, missingColumns, prepareChart, type PreparedChart } from './chart-data.js';
import { buildOption, type ChartColors, type XRange } from './chart-option.js';
import { saveChart } from './charts-api.js';
import { echarts } from './echarts-setup.js';

const KIND_LABELS: Record<ChartKind, string> = { bar: 'Bar', line: 'Line', area: 'Area', scatter: 'Scatter', pie: 'Pie' };

export function ChartView(props: { set: ResultSet; version: number; session: object; sql: string; running: boolean }) {
  const { set } = props;
  // The results panel shows the active tab's run: its connection is the query's.
  const { tabs, activeId } = useTabs();
  const connectionId = tabs.find((t) => t.id === activeId)?.connectionId ?? null;
  const state = useChartState(props.session);
  const store = chartStateOf(props.session);
  const columnsKey = set.columns.map((c) => c.name).join('\u0000');
  const spec = state.spec && missingColumns(set, state.spec).length === 0 ? state.spec : null;

  // A first spec once the columns (and some rows) are known; also when a new result lacks the previous spec's columns.
  useEffect(() => {
    if (!spec && set.rowCount > 0) {
      const guess = guessSpec(set);
      if (guess) store.set({ ...store.get(), spec: guess });
    }
  }, [spec, set, set.rowCount, store]);

  const setSpec = (change: Partial<ChartSpec>) => {
    const next = { ...(spec ?? guessSpec(set) ?? { kind: 'bar' as const, x: set.columns[0]!.name, y: [set.columns[0]!.name] }), ...change };
    store.set({ ...store.get(), spec: next });
  };

  // Classified again when the columns change or the first rows arrive (a column's values decide its kind).
  const hasRows = set.rowCount > 0;
  const numeric = useMemo(() => set.columns.filter((_, i) => columnKind(set, i) === 'value').map((c) => c.name), [set, columnsKey, hasRows]);
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const drawing = useRef<ChartHandle | null>(null);

  return (
    <div className="chart-view">
      <div className="chart-form" role="group" aria-label="Chart settings">
        <label className="inline-field">
          <span>Chart</span>
          <select aria-label="Chart kind" value={spec?.kind ?? 'bar'} onChange={(e) => setSpec({ kind: e.target.value as ChartKind })}>
            {CHART_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{spec?.kind === 'pie' ? 'Labels' : 'X'}</span>
          <select aria-label="X column" value={spec?.x ?? ''} onChange={(e) => setSpec({ x: e.target.value })}>
            {set.columns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
        <span className="inline-field" role="group" aria-label="Y columns">
          <span>{spec?.kind === 'pie' ? 'Value' : 'Y'}</span>
          {numeric.map((name) => {
            const on = spec?.y.includes(name) ?? false;
            return (
              <button
                key={name}
                type="button"
                className={on ? 'chip on' : 'chip'}
                aria-pressed={on}
                onClick={() => {
                  const current = spec?.y ?? [];
                  const y = spec?.kind === 'pie' ? [name] : on ? current.filter((n) => n !== name) : [...current, name];
                  if (y.length > 0) setSpec({ y });
                }}
              >
                {name}
              </button>
            );
          })}
          {numeric.length === 0 && <span className="muted">no numeric column</span>}
        </span>
        <label className="inline-field">
          <span>Series by</span>
          <select aria-label="Series by column" value={spec?.groupBy ?? ''} onChange={(e) => setSpec({ groupBy: e.target.value || null })}>
            <option value="">—</option>
            {set.columns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        {note && (
          <span className="muted" role="status">
            {note}
          </span>
        )}
        <button type="button" className="small" disabled={!spec} onClick={() => drawing.current && download(drawing.current.png(), 'chart.png')}>
          Export PNG
        </button>
        <button type="button" className="small" disabled={!spec} onClick={() => drawing.current && download(drawing.current.svg(), 'chart.svg')}>
          Export SVG
        </button>
        <button type="button" className="small" disabled={!spec || !connectionId} onClick={() => setSaving(true)}>
          {state.saved ? 'Save…' : 'Save chart…'}
        </button>
      </div>
      {spec ? (
        <ChartDrawing set={set} version={props.version} spec={spec} running={props.running} handle={drawing} />
      ) : (
        <p className="muted chart-message">{set.rowCount === 0 ? 'No rows to plot yet.' : 'Choose a numeric column to plot.'}</p>
      )}
      {saving && spec && connectionId && (
        <SaveChartDialog
          initialName={state.saved?.name ?? ''}
          existing={state.saved}
          onClose={() => setSaving(false)}
          onSave={async (name, asNew) => {
            const saved = await saveChart({ name, connectionId: connectionId, sql: props.sql, spec, ...(state.saved && !asNew ? { id: state.saved.id } : {}) });
            store.set({ ...store.get(), saved: { id: saved.id, name: saved.name } });
            setSaving(false);
            setNote(`Saved as “${saved.name}”`);
          }}
        />
      )}
    </div>
  );
}

interface ChartHandle {
  png(): Blob;
  svg(): Blob;
}

function ChartDrawing(props: { set: ResultSet; version: number; spec: ChartSpec; running: boolean; handle: React.MutableRefObject<ChartHandle | null> }) {
  const { set, spec } = props;
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const [prepared, setPrepared] = useState<PreparedChart | null>(null);
  const [info, setInfo] = useState<{ drawn: number; failed?: string }>({ drawn: 0 });

  useEffect(() => {
    const instance = echarts.init(host.current!, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // Prepared again when the spec changes, and while rows stream in at most every 800 ms.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        void prepareChart(set, spec, controller.signal).then(setPrepared, (error: unknown) => {
          if ((error as Error).name !== 'AbortError') setInfo({ drawn: 0, failed: describeError(error) });
        }),
      props.running ? 800 : 0,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [set, spec, props.version, props.running]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !prepared) return;
    const colors = themeColors();
    const built = buildOption(prepared, colors);
    instance.setOption(built.option, { notMerge: true });
    setInfo({ drawn: built.drawn });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Zoomed in: the range in view is sampled again from every row, so detail appears instead of 2,000 coarse points.
    const onZoom = () => {
      const extent = built.extent;
      if (!extent) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const zoom = (instance.getOption() as { dataZoom?: Array<{ start?: number; end?: number }> }).dataZoom?.[0];
        const span = extent.max - extent.min;
        const range: XRange = { min: extent.min + (span * (zoom?.start ?? 0)) / 100, max: extent.min + (span * (zoom?.end ?? 100)) / 100 };
        const again = buildOption(prepared, colors, range);
        instance.setOption({ series: (again.option as { series: unknown[] }).series }, { replaceMerge: ['series'] });
        setInfo({ drawn: again.drawn });
      }, 120);
    };
    instance.on('datazoom', onZoom);
    props.handle.current = {
      png: () => dataUrlToBlob(instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: colors.background })),
      svg: () => {
        const width = instance.getWidth();
        const height = instance.getHeight();
        const offscreen = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
        try {
          offscreen.setOption(instance.getOption());
          return new Blob([offscreen.renderToSVGString()], { type: 'image/svg+xml' });
        } finally {
          offscreen.dispose();
        }
      },
    };
    return () => {
      clearTimeout(timer);
      instance.off('datazoom', onZoom);
    };
  }, [prepared, props.handle]);

  const total = prepared?.values ?? 0;
  return (
    <div className="chart-area">
      <div ref={host} className="chart-canvas" data-testid="chart" data-kind={spec.kind} data-drawn={info.drawn} data-series={prepared ? (prepared.xKind === "category" ? prepared.categorySeries.length : prepared.points.length) : 0} data-values={total} aria-label={`${spec.kind} chart of ${spec.y.join(', ')} by ${spec.x}`} role="img" />
      <div className="chart-info muted" data-testid="chart-info">
        {info.failed
          ? info.failed
          : prepared
            ? `${prepared.rows.toLocaleString('en-US')} rows · ${total.toLocaleString('en-US')} values · ${info.drawn.toLocaleString('en-US')} drawn${info.drawn < total && prepared.xKind !== 'category' ? ' (downsampled)' : ''}${prepared.notes.length ? ` · ${prepared.notes.join('; ')}` : ''}`
            : 'Preparing…'}
      </div>
    </div>
  );
}

function SaveChartDialog(props: { initialName: string; existing: { id: string; name: string } | null; onClose: () => void; onSave: (name: string, asNew: boolean) => Promise<void> }) {
  const [name, setName] = useState(props.initialName);
  const [error, setError] = useState<string | null>(null);
  const save = (asNew: boolean) => props.onSave(name.trim(), asNew).catch((e: unknown) => setError(describeError(e)));
  return (
    <Dialog title="Save chart" onClose={props.onClose}>
      <form
        className="connection-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save(false);
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input aria-label="Chart name" value={name} autoFocus maxLength={200} onChange={(e) => setName(e.target.value)} />
          <span className="field-hint">The chart keeps its query and settings; reopening it runs the query again.</span>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          {props.existing && (
            <button type="button" disabled={!name.trim()} onClick={() => void save(true)}>
              Save as new
            </button>
          )}
          <button type="submit" className="primary" disabled={!name.trim()}>
            {props.existing ? `Replace “${props.existing.name}”` : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function themeColors(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { text: read('--text', '#1b2330'), muted: read('--muted', '#6b7588'), border: read('--border', '#d8dde6'), background: read('--surface', '#ffffff') };
}

function dataUrlToBlob(url: string): Blob {
  const [head, body] = url.split(',', 2) as [string, string];
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: head.slice(5, head.indexOf(';')) });
}
