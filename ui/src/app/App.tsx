/**
 * The application shell: header (tabs, history, theme, shortcuts), sidebar (connections and the schema of the
 * active tab's connection), the query workspace, and the screens for a missing/refused token or a lost bridge.
 */
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../protocol/history.js';
import type { SavedChart } from '../../../protocol/charts.js';
import { BackupsView } from '../backups/BackupsView.js';
import { useLinkState } from '../bridge/bridge.js';
import { chartStateOf } from '../charts/chart-state.js';
import { SavedChartsDialog } from '../charts/SavedChartsDialog.js';
import { ConnectionsPanel } from '../connections/ConnectionsPanel.js';
import { connectionById, useConnections } from '../connections/connections-store.js';
import { DiagramScreen } from '../diagram/DiagramScreen.js';
import { runActiveTab } from '../editor/run-commands.js';
import { HistoryDialog } from '../history/HistoryDialog.js';
import { JobsView } from '../jobs/JobsView.js';
import { SchemaBrowser } from '../schema/SchemaBrowser.js';
import { LostBanner, TokenPage } from './LinkScreens.js';
import { QueryWorkspace } from './QueryWorkspace.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { sessionFor } from './tab-runtime.js';
import { closeTabFully, TabsBar } from './TabsBar.js';
import { activeTab, newTab, openTab, updateTab, useTabs } from './tabs-store.js';
import { toggleTheme, useTheme } from './theme.js';

export function App() {
  const link = useLinkState();
  const theme = useTheme();
  const { tabs, activeId } = useTabs();
  useConnections();
  const tab = tabs.find((t) => t.id === activeId)!;
  const [dialog, setDialog] = useState<'history' | 'shortcuts' | 'charts' | null>(null);
  // The main area: the query tabs (or a schema's ER diagram over them), the backups screen of the active tab's
  // connection, or the jobs list.
  const [view, setView] = useState<'query' | 'backups' | 'jobs'>('query');
  const [diagram, setDiagram] = useState<{ connectionId: string; schema: string } | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const inEditor = (event.target as HTMLElement | null)?.closest?.('.cm-editor, input, textarea, select') != null;
      if (event.altKey && event.key.toLowerCase() === 't') {
        event.preventDefault();
        openTab(newTab(activeTab().connectionId));
      } else if (event.altKey && event.key.toLowerCase() === 'w') {
        event.preventDefault();
        closeTabFully(activeTab().id);
      } else if (event.altKey && event.key.toLowerCase() === 'h') {
        event.preventDefault();
        setDialog('history');
      } else if (event.key === 'Escape' && sessionFor(activeTab().id).current.get()?.running && !document.querySelector('dialog[open]')) {
        void sessionFor(activeTab().id).cancel();
      } else if (event.key === '?' && !inEditor) {
        setDialog('shortcuts');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (link.kind === 'no-token' || link.kind === 'refused') return <TokenPage state={link} />;

  function selectConnection(id: string) {
    const current = activeTab();
    if (current.connectionId === id) return;
    if (sessionFor(current.id).current.get()?.running) openTab(newTab(id));
    else updateTab(current.id, { connectionId: id });
  }

  function openQuery(sql: string, title: string, connectionId: string | null, run: boolean): string {
    const tab = newTab(connectionId, sql, title);
    openTab(tab);
    setDiagram(null);
    setView('query');
    // The editor takes the new tab's state on the next render; run after it.
    if (run) requestAnimationFrame(() => requestAnimationFrame(() => void runActiveTab('all')));
    return tab.id;
  }

  function openChart(chart: SavedChart) {
    setDialog(null);
    const tabId = openQuery(chart.sql, chart.name, chart.connectionId, true);
    chartStateOf(sessionFor(tabId)).set({ open: true, spec: chart.spec, saved: { id: chart.id, name: chart.name } });
  }

  const diagramConnection = diagram ? connectionById(diagram.connectionId) : undefined;

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand" aria-label="DB Visualizer">
          <span className="brand-mark">◆</span> DB Visualizer
        </div>
        <TabsBar />
        <div className="header-actions">
          {(['query', 'backups', 'jobs'] as const).map((v) => (
            <button key={v} type="button" className={view === v ? 'ghost view-active' : 'ghost'} aria-pressed={view === v} onClick={() => setView(v)}>
              {{ query: 'Query', backups: 'Backups', jobs: 'Jobs' }[v]}
            </button>
          ))}
          <button type="button" className="ghost" onClick={() => setDialog('history')} title="Query history (Alt+H)">
            History
          </button>
          <button type="button" className="ghost" onClick={() => setDialog('charts')} title="Saved charts">
            Charts
          </button>
          <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'light' ? 'dark' : 'light'} theme`} title="Theme">
            {theme === 'light' ? '☾' : '☀'}
          </button>
          <button type="button" className="ghost" onClick={() => setDialog('shortcuts')} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
            ⌨
          </button>
        </div>
      </header>
      {link.kind === 'lost' && <LostBanner state={link} />}
      {link.kind === 'connecting' && <div className="banner info">Connecting to the bridge…</div>}
      <div className="app-body">
        <aside className="sidebar">
          <ConnectionsPanel selectedId={tab.connectionId} onSelect={selectConnection} />
          <SchemaBrowser
            connection={connectionById(tab.connectionId)}
            onOpenTable={(sql, title) => openQuery(sql, title, tab.connectionId, true)}
            onOpenDiagram={(schema) => {
              if (!tab.connectionId) return;
              setDiagram({ connectionId: tab.connectionId, schema });
              setView('query');
            }}
          />
        </aside>
        {view === 'query' && diagram && diagramConnection && (
          <main className="main">
            <DiagramScreen
              key={`${diagram.connectionId}:${diagram.schema}`}
              connection={diagramConnection}
              schema={diagram.schema}
              onOpenTable={(sql, title) => openQuery(sql, title, diagram.connectionId, true)}
              onClose={() => setDiagram(null)}
            />
          </main>
        )}
        {/* The query workspace stays mounted (hidden) so its editors and results survive a visit to another view. */}
        <main className="main" style={view === 'query' && !(diagram && diagramConnection) ? undefined : { display: 'none' }}>
          <QueryWorkspace />
        </main>
        {view === 'backups' && (
          <main className="main">
            <BackupsView connectionId={tab.connectionId} />
          </main>
        )}
        {view === 'jobs' && (
          <main className="main">
            <JobsView />
          </main>
        )}
      </div>
      {dialog === 'history' && (
        <HistoryDialog
          connectionId={tab.connectionId}
          onClose={() => setDialog(null)}
          onOpen={(entry: HistoryEntry) => {
            setDialog(null);
            openQuery(entry.sql, 'From history', entry.connectionId, false);
          }}
        />
      )}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === 'charts' && <SavedChartsDialog onOpen={openChart} onClose={() => setDialog(null)} />}
    </div>
  );
}
