/** The saved charts (chart.list): open one (its query runs in a new tab, shown as the chart) or delete it. */
import { useEffect, useState } from 'react';
import type { SavedChart } from '../../../protocol/charts.js';
import { Dialog } from '../app/Dialog.js';
import { describeError } from '../bridge/bridge.js';
import { connectionById } from '../connections/connections-store.js';
import './charts.css';
import { deleteChart, listCharts } from './charts-api.js';

export function SavedChartsDialog(props: { onOpen: (chart: SavedChart) => void; onClose: () => void }) {
  const [charts, setCharts] = useState<SavedChart[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => listCharts().then(setCharts, (e: unknown) => setError(describeError(e)));
  useEffect(() => void reload(), []);

  return (
    <Dialog title="Saved charts" wide onClose={props.onClose}>
      {error && <p className="form-error" role="alert">{error}</p>}
      {!charts ? (
        <p className="muted">Loading…</p>
      ) : charts.length === 0 ? (
        <p className="muted">No saved charts yet. Run a query, switch its results to Chart and choose “Save chart…”.</p>
      ) : (
        <ul className="saved-charts" aria-label="Saved charts">
          {charts.map((chart) => (
            <li key={chart.id} className="saved-chart">
              <span className="saved-chart-name">{chart.name}</span>
              <span className="engine-tag">{chart.spec.kind}</span>
              <span className="muted">{connectionById(chart.connectionId)?.name ?? chart.connectionId}</span>
              <span className="saved-chart-sql" title={chart.sql}>
                {chart.sql}
              </span>
              <button type="button" className="small primary" aria-label={`Open chart ${chart.name}`} onClick={() => props.onOpen(chart)}>
                Open
              </button>
              <button type="button" className="small danger" aria-label={`Delete chart ${chart.name}`} onClick={() => void deleteChart(chart.id).then(reload, (e: unknown) => setError(describeError(e)))}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
