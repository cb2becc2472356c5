/**
 * Query history (`history.list`, docs/api.md): the latest runs of the bridge, newest first, searchable; Open puts
 * the SQL into a new tab on the connection it ran on.
 */
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../protocol/history.js';
import { Dialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { connectionById } from '../connections/connections-store.js';

export function HistoryDialog(props: { connectionId: string | null; onClose: () => void; onOpen: (entry: HistoryEntry) => void }) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [onlyThis, setOnlyThis] = useState(props.connectionId !== null);

  useEffect(() => {
    setEntries(null);
    bridge.client.call('history.list', { limit: 500, ...(onlyThis && props.connectionId ? { connectionId: props.connectionId } : {}) }).then(setEntries, (e: unknown) => setError(describeError(e)));
  }, [onlyThis, props.connectionId]);

  const needle = search.trim().toLowerCase();
  const shown = (entries ?? []).filter((e) => !needle || e.sql.toLowerCase().includes(needle));

  return (
    <Dialog title="Query history" onClose={props.onClose} wide>
      <div className="history-tools">
        <input type="search" placeholder="Search SQL" aria-label="Search history" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus />
        {props.connectionId && (
          <label className="check">
            <input type="checkbox" checked={onlyThis} onChange={(e) => setOnlyThis(e.target.checked)} /> This connection only
          </label>
        )}
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      {entries === null && !error ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted">No queries{needle ? ' match' : ' yet'}.</p>
      ) : (
        <ul className="history-list" aria-label="History entries">
          {shown.map((entry) => (
            <li key={entry.id} className="history-entry">
              <pre className="history-sql">{entry.sql.length > 400 ? `${entry.sql.slice(0, 400)}…` : entry.sql}</pre>
              <div className="history-meta">
                <span className={`run-phase ${entry.status}`}>{entry.status}</span>
                <span>{entry.rows.toLocaleString('en-US')} rows</span>
                <span>{entry.durationMs} ms</span>
                <span>{connectionById(entry.connectionId)?.name ?? entry.connectionId}</span>
                <time dateTime={entry.startedAt}>{new Date(entry.startedAt).toLocaleString()}</time>
                <span className="spacer" />
                <button type="button" className="small" onClick={() => props.onOpen(entry)} aria-label={`Open query ${entry.id}`}>
                  Open
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
