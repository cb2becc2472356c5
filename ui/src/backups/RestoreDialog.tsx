/**
 * Confirms a restore. It names what will be overwritten — the target connection and its database — and the backup
 * it comes from; the target can be another connection of the same engine. Cancel (the focused button, so Enter or
 * Escape never restores) does nothing; only the explicit "Restore into …" button starts `backup.restore`.
 */
import { useState } from 'react';
import type { BackupMetadata } from '../../../protocol/backup.js';
import type { Connection } from '../../../protocol/connections.js';
import { Dialog } from '../app/Dialog.js';
import { useConnections } from '../connections/connections-store.js';
import { formatBytes, formatTime } from './units.js';

export interface RestoreRequest {
  backup: BackupMetadata;
  target: Connection;
  dropExisting: boolean;
}

/** The database a connection points at, as the user knows it: the file for SQLite, the database name otherwise. */
export function databaseLabel(connection: Connection): string {
  return connection.database ?? '(default database)';
}

export function RestoreDialog(props: { backup: BackupMetadata; source: Connection; onConfirm: (request: RestoreRequest) => void; onClose: () => void }) {
  const all = useConnections() ?? [];
  const sameEngine = all.filter((c) => c.type === props.source.type);
  const [targetId, setTargetId] = useState(props.source.id);
  const [dropExisting, setDropExisting] = useState(true);
  const target = sameEngine.find((c) => c.id === targetId) ?? props.source;
  const { backup } = props;

  return (
    <Dialog title="Restore backup" onClose={props.onClose}>
      <div className="restore-dialog">
        <p>
          Backup of <strong>{props.source.name}</strong> from <strong>{formatTime(backup.createdAt)}</strong> ({backup.type === 'table' ? `tables ${backup.tables?.join(', ')}` : 'full'},{' '}
          {formatBytes(backup.size)})
        </p>
        {sameEngine.length > 1 && (
          <label className="field">
            <span className="field-label">Restore into</span>
            <select value={targetId} onChange={(e) => setTargetId(e.target.value)} aria-label="Target connection">
              {sameEngine.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} — {databaseLabel(c)}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="restore-target" role="note" aria-label="Restore target">
          <div className="restore-warning">This overwrites data in:</div>
          <dl>
            <dt>Connection</dt>
            <dd data-testid="restore-target-connection">{target.name}</dd>
            <dt>Database</dt>
            <dd data-testid="restore-target-database" className="mono">
              {databaseLabel(target)}
            </dd>
            {target.host && (
              <>
                <dt>Server</dt>
                <dd className="mono">
                  {target.host}
                  {target.port ? `:${target.port}` : ''}
                </dd>
              </>
            )}
          </dl>
          <div className="muted">
            {target.type === 'sqlite'
              ? 'The database file is replaced by the backup as a whole; the connection’s open sessions are restarted.'
              : backup.format === 'pg-custom' && !dropExisting
                ? 'The backup is loaded over what exists; objects that already exist make the restore fail.'
                : 'The objects in the backup are dropped and re-created; other objects are left alone.'}
          </div>
        </div>
        {target.type === 'postgres' && backup.format === 'pg-custom' && (
          <label className="check">
            <input type="checkbox" checked={dropExisting} onChange={(e) => setDropExisting(e.target.checked)} /> Drop existing objects first (pg_restore --clean)
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose} autoFocus>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => props.onConfirm({ backup, target, dropExisting })}>
            Restore into {target.name}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
