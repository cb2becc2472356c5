/**
 * The sidebar's connection list: live status dots, selection (the active tab's connection), and edit / duplicate /
 * delete (after a confirmation) per row.
 */
import { useState } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import { ConfirmDialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { ConnectionForm, type FormMode } from './ConnectionForm.js';
import { ENGINE_LABELS, reloadConnections, useConnections, useStatuses } from './connections-store.js';

export function ConnectionsPanel(props: { selectedId: string | null; onSelect: (id: string) => void }) {
  const list = useConnections();
  const statuses = useStatuses();
  const [form, setForm] = useState<FormMode | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function remove(connection: Connection) {
    setDeleting(null);
    try {
      await bridge.client.call('connection.delete', { id: connection.id });
      await reloadConnections();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section className="panel connections-panel" aria-label="Connections">
      <header className="panel-header">
        <h2>Connections</h2>
        <button type="button" className="small" onClick={() => setForm({ kind: 'create' })}>
          + New
        </button>
      </header>
      {error && <p className="form-error" role="alert">{error}</p>}
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted">No connections yet.</p>
      ) : (
        <ul className="connection-list" role="listbox" aria-label="Saved connections">
          {list.map((c) => {
            const live = statuses[c.id] ?? { status: 'idle' };
            return (
              <li key={c.id} role="option" aria-selected={c.id === props.selectedId} className={c.id === props.selectedId ? 'selected' : ''}>
                <button type="button" className="connection-item" onClick={() => props.onSelect(c.id)} title={live.reason ?? live.status}>
                  <span className={`status-dot ${live.status}`} aria-label={`status ${live.status}`} />
                  <span className="connection-name">{c.name}</span>
                  <span className="engine-tag">{ENGINE_LABELS[c.type]?.split(' ')[0] ?? c.type}</span>
                </button>
                <span className="row-actions">
                  <button type="button" className="icon-button" aria-label={`Edit ${c.name}`} title="Edit" onClick={() => setForm({ kind: 'edit', connection: c })}>
                    ✎
                  </button>
                  <button type="button" className="icon-button" aria-label={`Duplicate ${c.name}`} title="Duplicate" onClick={() => setForm({ kind: 'duplicate', connection: c })}>
                    ❐
                  </button>
                  <button type="button" className="icon-button" aria-label={`Delete ${c.name}`} title="Delete" onClick={() => setDeleting(c)}>
                    ✕
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {form && (
        <ConnectionForm
          mode={form}
          onClose={() => setForm(null)}
          onSaved={(saved) => {
            setForm(null);
            props.onSelect(saved.id);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete connection"
          message={`Delete “${deleting.name}”? Its stored credentials are removed too. This cannot be undone.`}
          confirmLabel="Delete"
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
