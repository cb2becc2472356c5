/**
 * The active tab: its toolbar (connection, Run, Run all, row limit, Cancel), the SQL editor and the results, split
 * vertically.
 */
import { useSyncExternalStore } from 'react';
import { useConnections } from '../connections/connections-store.js';
import { runActiveTab } from '../editor/run-commands.js';
import { SqlEditor } from '../editor/SqlEditor.js';
import { ResultsPanel } from '../results/ResultsPanel.js';
import { resultSettings, ROW_LIMIT_CHOICES } from '../results/settings.js';
import { useMetadata } from '../schema/metadata-store.js';
import { sessionFor } from './tab-runtime.js';
import { updateTab, useTabs } from './tabs-store.js';

export function QueryWorkspace() {
  const { tabs, activeId } = useTabs();
  const tab = tabs.find((t) => t.id === activeId)!;
  const list = useConnections() ?? [];
  const connection = list.find((c) => c.id === tab.connectionId);
  const entry = useMetadata(connection?.id ?? null);
  const session = sessionFor(tab.id);
  const result = useSyncExternalStore(session.current.subscribe, session.current.get);
  // Only whether a run is going on: the toolbar (and the editor beside it) must not re-render on every batch.
  // A page-mode run paused at the row limit may be replaced by a new run (the session cancels it first).
  const running = useSyncExternalStore(result?.subscribe ?? noop, () => (result?.running ?? false) && !result?.cursorToken);
  const settings = useSyncExternalStore(resultSettings.subscribe, resultSettings.get);

  return (
    <div className="workspace">
      <div className="toolbar" role="toolbar" aria-label="Query">
        <label className="inline-field">
          <span>Connection</span>
          <select value={tab.connectionId ?? ''} onChange={(e) => updateTab(tab.id, { connectionId: e.target.value || null })} aria-label="Connection of this tab">
            <option value="">— choose —</option>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" disabled={!connection || running} onClick={() => void runActiveTab('current')} title="Run the selection or the statement under the cursor (Ctrl/Cmd+Enter)">
          ▶ Run
        </button>
        <button type="button" disabled={!connection || running} onClick={() => void runActiveTab('all')} title="Run the whole editor (Ctrl/Cmd+Shift+Enter)">
          Run all
        </button>
        <button type="button" className="danger" disabled={!running} onClick={() => void session.cancel()} title="Cancel (Escape)">
          ■ Cancel
        </button>
        <span className="spacer" />
        <label className="inline-field">
          <span>Row limit</span>
          <select value={settings.rowLimit} onChange={(e) => resultSettings.set({ ...settings, rowLimit: Number(e.target.value) })} aria-label="Row limit">
            {ROW_LIMIT_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'No limit (stream all)' : n.toLocaleString('en-US')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="split">
        <div className="editor-pane">
          <SqlEditor
            tabId={tab.id}
            initialSql={tab.sql}
            engine={connection?.type}
            metadata={entry?.kind === 'ready' ? entry.metadata : undefined}
            keys={{ runCurrent: () => void runActiveTab('current'), runAll: () => void runActiveTab('all') }}
          />
        </div>
        <ResultsPanel session={session} />
      </div>
    </div>
  );
}

const noop = () => () => {};
