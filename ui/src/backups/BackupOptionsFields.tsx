/**
 * The fields of a backup's options, shared by "Back up now" and the schedule editor: type (full or chosen tables),
 * format (PostgreSQL), how (native tool or driver-level export, PostgreSQL and MySQL) and what compression follows.
 */
import { useId } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import { useMetadata } from '../schema/metadata-store.js';
import { backupTableNames, compressionNote, type BackupChoices } from './backup-options-model.js';
import { TablePicker } from './TablePicker.js';

export function BackupOptionsFields(props: { connection: Connection; choices: BackupChoices; onChange: (next: BackupChoices) => void }) {
  const { connection, choices } = props;
  const metadata = useMetadata(choices.type === 'table' ? connection.id : null);
  // Each instance its own radio group: the page's form and the schedule editor's can be open at once.
  const group = useId();
  const set = (patch: Partial<BackupChoices>) => props.onChange({ ...choices, ...patch });

  return (
    <div className="backup-options">
      <fieldset className="radio-row">
        <legend className="field-label">Type</legend>
        <label className="check">
          <input type="radio" name={group} checked={choices.type === 'full'} onChange={() => set({ type: 'full' })} /> Full database
        </label>
        <label className="check">
          <input type="radio" name={group} checked={choices.type === 'table'} onChange={() => set({ type: 'table' })} /> Chosen tables
        </label>
      </fieldset>
      {choices.type === 'table' &&
        (metadata?.kind === 'ready' ? (
          <TablePicker tables={backupTableNames(connection.type, metadata.metadata)} selected={choices.tables} onChange={(tables) => set({ tables })} />
        ) : metadata?.kind === 'failed' ? (
          <p className="form-error">{metadata.message}</p>
        ) : (
          <p className="muted">Loading tables…</p>
        ))}
      <div className="option-grid">
        {connection.type === 'postgres' && (
          <label className="field">
            <span className="field-label">Format</span>
            <select value={choices.format} onChange={(e) => set({ format: e.target.value as BackupChoices['format'] })}>
              <option value="custom">Custom (pg_restore)</option>
              <option value="plain">Plain SQL</option>
            </select>
          </label>
        )}
        {connection.type !== 'sqlite' && (
          <label className="field">
            <span className="field-label">Method</span>
            <select value={choices.via} onChange={(e) => set({ via: e.target.value as BackupChoices['via'] })}>
              <option value="auto">Native tool when installed</option>
              <option value="tool">Native tool only</option>
              <option value="driver">Driver-level export</option>
            </select>
          </label>
        )}
        <div className="field">
          <span className="field-label">Compression</span>
          <span className="field-value" data-testid="compression">
            {compressionNote(connection.type, choices)}
          </span>
        </div>
      </div>
    </div>
  );
}
