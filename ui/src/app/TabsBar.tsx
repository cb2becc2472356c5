/** The query tabs: select, close, new. Each tab shows its connection's name. */
import { connectionById, useConnections } from '../connections/connections-store.js';
import { closeTab, newTab, openTab, selectTab, useTabs } from './tabs-store.js';
import { disposeTab } from './tab-runtime.js';
import { forgetEditorState } from '../editor/SqlEditor.js';

export function closeTabFully(id: string): void {
  disposeTab(id);
  forgetEditorState(id);
  closeTab(id);
}

export function TabsBar() {
  const { tabs, activeId } = useTabs();
  useConnections();
  return (
    <div className="tabs" role="tablist" aria-label="Query tabs">
      {tabs.map((tab) => {
        const connection = connectionById(tab.connectionId);
        return (
          <div key={tab.id} className={tab.id === activeId ? 'tab active' : 'tab'}>
            <button type="button" role="tab" aria-selected={tab.id === activeId} className="tab-title" onClick={() => selectTab(tab.id)} title={tab.sql.slice(0, 200)}>
              {tab.title}
              {connection && <span className="tab-connection">{connection.name}</span>}
            </button>
            <button type="button" className="tab-close" aria-label={`Close ${tab.title}`} onClick={() => closeTabFully(tab.id)}>
              ×
            </button>
          </div>
        );
      })}
      <button type="button" className="tab-new" aria-label="New query tab" title="New query tab (Alt+T)" onClick={() => openTab(newTab(tabs.find((t) => t.id === activeId)?.connectionId ?? null))}>
        +
      </button>
    </div>
  );
}
