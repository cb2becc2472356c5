/**
 * One connection's backups screen: back up now (type, tables, format, method), live progress, the recorded backups
 * (date, type, format, size, sha256 checksum, tool) with restore (after a confirmation naming the target) and
 * delete, and the connection's backup schedules.
 */
import { useState } from 'react';
import type { BackupMetadata } from '../../../protocol/backup.js';
import type { Connection } from '../../../protocol/connections.js';
import { ConfirmDialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { connectionById, ENGINE_LABELS, useConnections } from '../connections/connections-store.js';
import { refreshJob } from '../jobs/jobs-store.js';
import { SchedulesPanel } from '../schedules/SchedulesPanel.js';
import { BackupJobs } from './BackupJobs.js';
import { BackupOptionsFields } from './BackupOptionsFields.js';
import { choicesProblem, DEFAULT_CHOICES, FORMAT_LABELS, toolLabel, toOptions, type BackupChoices } from './backup-options-model.js';
import { reloadBackups, useBackups } from './backups-store.js';
import { databaseLabel, RestoreDialog, type RestoreRequest } from './RestoreDialog.js';
import { rememberJob } from './started-jobs.js';
import { formatBytes, formatDuration, formatTime } from './units.js';
import './ops.css';

export function BackupsView(props: { connectionId: string | null }) {
  useConnections();
  const connection = connectionById(props.connectionId);
  if (!connection) {
    return (
      <section className="ops-view" aria-label="Backups">
        <header className="ops-header">
          <h1>Backups</h1>
        </header>
        <p className="muted">Choose a connection in the sidebar to see and make its backups.</p>
      </section>
    );
  }
  return <ConnectionBackups key={connection.id} connection={connection} />;
}

function ConnectionBackups({ connection }: { connection: Connection }) {
  const [choices, setChoices] = useState<BackupChoices>(DEFAULT_CHOICES);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [restoring, setRestoring] = useState<BackupMetadata | null>(null);
  const [deleting, setDeleting] = useState<BackupMetadata | null>(null);
  const backups = useBackups(connection.id);
  const problem = choicesProblem(choices);

  async function start() {
    setError(null);
    setStarting(true);
    try {
      const { jobId } = await bridge.client.call('backup.create', { connectionId: connection.id, options: toOptions(connection.type, choices) });
      rememberJob(jobId);
      await refreshJob(jobId);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setStarting(false);
    }
  }

  async function restore({ backup, target, dropExisting }: RestoreRequest) {
    setRestoring(null);
    setError(null);
    try {
      const options = { ...(target.id !== connection.id ? { targetConnectionId: target.id } : {}), ...(dropExisting ? {} : { dropExisting: false }) };
      const { jobId } = await bridge.client.call('backup.restore', { backupId: backup.id, options });
      rememberJob(jobId);
      await refreshJob(jobId);
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function remove(backup: BackupMetadata) {
    setDeleting(null);
    setError(null);
    try {
      await bridge.client.call('backup.delete', { backupId: backup.id });
    } catch (e) {
      setError(describeError(e));
    }
    await reloadBackups(connection.id);
  }

  return (
    <section className="ops-view" aria-label="Backups">
      <header className="ops-header">
        <h1>
          Backups <span className="muted">— {connection.name}</span>
        </h1>
        <span className="engine-tag">{ENGINE_LABELS[connection.type] ?? connection.type}</span>
        <span className="muted mono" title="Database">
          {databaseLabel(connection)}
        </span>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}

      <div className="ops-card" aria-label="New backup" role="group">
        <h2>Back up now</h2>
        <BackupOptionsFields connection={connection} choices={choices} onChange={setChoices} />
        <div className="card-actions">
          {problem && <span className="field-hint">{problem}</span>}
          <button type="button" className="primary" disabled={starting || problem !== null} onClick={() => void start()}>
            Start backup
          </button>
        </div>
        <BackupJobs connectionId={connection.id} />
      </div>

      <div className="ops-card">
        <h2>Backups</h2>
        {backups === undefined || backups.kind === 'loading' ? (
          <p className="muted">Loading…</p>
        ) : backups.kind === 'failed' ? (
          <p className="form-error">{backups.message}</p>
        ) : backups.backups.length === 0 ? (
          <p className="muted">No backups of this connection yet.</p>
        ) : (
          <table className="ops-table" aria-label="Backup list">
            <thead>
              <tr>
                <th>Date</th>
                <th>Type</th>
                <th>Format</th>
                <th className="num">Size</th>
                <th>Checksum (SHA-256)</th>
                <th>Tool</th>
                <th className="num">Took</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {backups.backups.map((b) => (
                <tr key={b.id} data-backup-id={b.id} aria-label={`Backup ${b.id}`}>
                  <td>
                    <time dateTime={b.createdAt}>{formatTime(b.createdAt)}</time>
                    {b.scheduleId && <span className="tag">scheduled</span>}
                  </td>
                  <td title={b.tables?.join(', ')}>{b.type === 'table' ? `tables (${b.tables?.length ?? 0})` : 'full'}</td>
                  <td>{FORMAT_LABELS[b.format] ?? b.format}</td>
                  <td className="num" data-testid="backup-size">
                    {formatBytes(b.size)}
                  </td>
                  <td className="mono checksum" title={b.sha256} data-testid="backup-checksum">
                    {b.sha256.slice(0, 16)}…
                  </td>
                  <td className="muted">{toolLabel(b)}</td>
                  <td className="num">{formatDuration(b.durationMs)}</td>
                  <td className="actions">
                    <button type="button" className="small" onClick={() => setRestoring(b)} aria-label={`Restore backup ${b.id}`}>
                      Restore…
                    </button>
                    <button type="button" className="icon-button" onClick={() => setDeleting(b)} aria-label={`Delete backup ${b.id}`} title="Delete">
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <SchedulesPanel connection={connection} />

      {restoring && <RestoreDialog backup={restoring} source={connection} onConfirm={(request) => void restore(request)} onClose={() => setRestoring(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete backup"
          message={`Delete the backup of ${connection.name} from ${formatTime(deleting.createdAt)} (${formatBytes(deleting.size)})? The file is removed. This cannot be undone.`}
          confirmLabel="Delete"
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
