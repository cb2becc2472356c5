/**
 * The results of a tab's current run: live row count and elapsed time while it streams, Cancel, result sets as
 * sub-tabs, "Load more" when the row limit paused a page-mode run, the error with its code, copy and export.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ChartView } from '../charts/ChartView.js';
import { chartStateOf, useChartState } from '../charts/chart-state.js';
import type { QuerySession } from '../editor/query-session.js';
import { download, toCsvBlob, toJsonBlob } from './export.js';
import { ResultGrid } from './ResultGrid.js';
import type { RunResult } from './run-result.js';

export function ResultsPanel(props: { session: QuerySession }) {
  const result = useSyncExternalStore(props.session.current.subscribe, props.session.current.get);
  if (!result) {
    return (
      <section className="results empty" aria-label="Results">
        <p className="muted">Run a query to see its rows here.</p>
      </section>
    );
  }
  return <RunView key={result.startedAt} result={result} session={props.session} />;
}

function RunView({ result, session }: { result: RunResult; session: QuerySession }) {
  const version = useSyncExternalStore(result.subscribe, result.getVersion);
  const [setIndex, setSetIndex] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const now = useTicker(result.running);
  const elapsed = Math.round((result.finishedAt ?? now) - result.startedAt);
  const set = result.sets[Math.min(setIndex, result.sets.length - 1)];
  const withRows = result.sets.filter((s) => s.columns.length > 0);
  const chart = useChartState(session);

  return (
    <section className="results" aria-label="Results">
      <div className="results-bar">
        <span className={`run-phase ${result.phase}`} data-testid="run-status">
          {statusText(result, elapsed)}
        </span>
        {result.running && (
          <button type="button" className="danger small" onClick={() => void session.cancel()}>
            Cancel
          </button>
        )}
        {result.cursorToken && !session.current.get()?.error && (
          <button type="button" className="small" onClick={() => session.loadMore()}>
            Load more
          </button>
        )}
        <span className="spacer" />
        {note && <span className="muted" role="status">{note}</span>}
        {set && set.columns.length > 0 && (
          <>
            <button type="button" className="small" aria-pressed={chart.open} onClick={() => chartStateOf(session).set({ ...chart, open: !chart.open })} title="Show the rows as a chart">
              {chart.open ? 'Grid' : 'Chart'}
            </button>
            <button type="button" className="small" onClick={() => void toCsvBlob(set).then((blob) => download(blob, 'result.csv'))}>
              Export CSV
            </button>
            <button type="button" className="small" onClick={() => void toJsonBlob(set).then((blob) => download(blob, 'result.json'))}>
              Export JSON
            </button>
          </>
        )}
      </div>
      {result.error && (
        <div className="run-error" role="alert">
          <strong>{result.error.code}</strong> {result.error.message}
          {typeof result.error.details?.position === 'number' && <span className="muted"> (at character {result.error.details.position})</span>}
        </div>
      )}
      {result.sets.length > 1 && (
        <div className="subtabs" role="tablist" aria-label="Result sets">
          {result.sets.map((s, i) => (
            <button key={i} type="button" role="tab" aria-selected={i === setIndex} className={i === setIndex ? 'subtab active' : 'subtab'} onClick={() => setSetIndex(i)}>
              {s.columns.length > 0 ? `Result ${i + 1} (${s.rowCount.toLocaleString()})` : `Statement ${i + 1}: ${s.rowsAffected ?? 0} affected`}
            </button>
          ))}
        </div>
      )}
      {set && set.columns.length > 0 && chart.open ? (
        <ChartView set={set} version={version} session={session} sql={result.sql} running={result.running} />
      ) : set && set.columns.length > 0 ? (
        <ResultGrid set={set} version={version} onCopied={setNote} />
      ) : set ? (
        <p className="muted statement-done">{set.rowsAffected !== undefined ? `${set.rowsAffected} row(s) affected.` : 'The statement returned no rows.'}</p>
      ) : withRows.length === 0 && !result.running && !result.error ? (
        <p className="muted statement-done">No result.</p>
      ) : null}
    </section>
  );
}

function statusText(result: RunResult, elapsedMs: number): string {
  const rows = `${result.totalRows.toLocaleString('en-US')} ${result.totalRows === 1 ? 'row' : 'rows'}`;
  const time = formatMs(result.timeMs ?? elapsedMs);
  switch (result.phase) {
    case 'starting':
      return `Starting… ${formatMs(elapsedMs)}`;
    case 'running':
      return result.cursorToken ? `${rows} loaded — paused at the row limit · ${time}` : `Running… ${rows} · ${time}`;
    case 'success':
      return `${rows} in ${time}`;
    case 'truncated':
      return `${rows} in ${time} (truncated)`;
    case 'cancelled':
      return `Cancelled after ${rows} · ${time}`;
    case 'error':
      return `Failed after ${time}`;
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Re-renders every 100 ms while `active`, for the elapsed-time display. */
function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [active]);
  return active ? now : performance.now();
}
