/**
 * A connection's backup schedules (`schedule.*`, docs/api.md): cron, zone, next run, missed-run policy, retention,
 * enabled switch, edit and delete (after a confirmation). Reloaded after every change and whenever a backup ends
 * (a scheduled run moves `lastRunAt` and `nextRunAt`).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import type { Schedule } from '../../../protocol/schedules.js';
import { ConfirmDialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { formatTime } from '../backups/units.js';
import { ScheduleEditor } from './ScheduleEditor.js';

export function SchedulesPanel({ connection }: { connection: Connection }) {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editor, setEditor] = useState<{ schedule?: Schedule } | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);

  const reload = useCallback(async () => {
    try {
      setSchedules(await bridge.client.call('schedule.list', { connectionId: connection.id }));
    } catch (e) {
      setError(describeError(e));
    }
  }, [connection.id]);

  useEffect(() => {
    void reload();
    const offDone = bridge.client.on('backup.done', () => void reload());
    const offState = bridge.state.subscribe(() => {
      if (bridge.state.get().kind === 'open') void reload();
    });
    return () => {
      offDone();
      offState();
    };
  }, [reload]);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    }
    await reload();
  }

  return (
    <div className="ops-card" role="group" aria-label="Schedules">
      <div className="card-title">
        <h2>Schedules</h2>
        <button type="button" className="small" onClick={() => setEditor({})}>
          + New schedule
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {schedules === null ? (
        <p className="muted">Loading…</p>
      ) : schedules.length === 0 ? (
        <p className="muted">No schedules. Back up this connection on a cron schedule with “New schedule”.</p>
      ) : (
        <table className="ops-table" aria-label="Schedule list">
          <thead>
            <tr>
              <th>On</th>
              <th>Cron</th>
              <th>Time zone</th>
              <th>Next run</th>
              <th>Last run</th>
              <th>Missed runs</th>
              <th>Keep</th>
              <th>Backup</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.id} data-schedule-id={s.id} className={s.enabled ? '' : 'disabled'}>
                <td>
                  <input
                    type="checkbox"
                    role="switch"
                    checked={s.enabled}
                    aria-label={`Schedule ${s.cron} enabled`}
                    onChange={(e) => void act(() => bridge.client.call('schedule.update', { id: s.id, patch: { enabled: e.target.checked } }))}
                  />
                </td>
                <td className="mono">{s.cron}</td>
                <td>{s.timezone}</td>
                <td>{s.enabled && s.nextRunAt ? <time dateTime={s.nextRunAt}>{formatTime(s.nextRunAt, s.timezone)}</time> : <span className="muted">—</span>}</td>
                <td>{s.lastRunAt ? <time dateTime={s.lastRunAt}>{formatTime(s.lastRunAt, s.timezone)}</time> : <span className="muted">never</span>}</td>
                <td>{s.misfire.replace('_', ' ')}</td>
                <td>{s.retention ?? 'all'}</td>
                <td>{s.options.type === 'table' ? `tables (${s.options.tables?.length ?? 0})` : 'full'}</td>
                <td className="actions">
                  <button type="button" className="small" onClick={() => setEditor({ schedule: s })} aria-label={`Edit schedule ${s.cron}`}>
                    Edit
                  </button>
                  <button type="button" className="icon-button" onClick={() => setDeleting(s)} aria-label={`Delete schedule ${s.cron}`} title="Delete">
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editor && (
        <ScheduleEditor
          connection={connection}
          schedule={editor.schedule}
          onClose={() => setEditor(null)}
          onSaved={() => {
            setEditor(null);
            void reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete schedule"
          message={`Delete the schedule “${deleting.cron}” (${deleting.timezone}) of ${connection.name}? Its backups stay.`}
          confirmLabel="Delete"
          onConfirm={() => {
            const target = deleting;
            setDeleting(null);
            void act(() => bridge.client.call('schedule.delete', { id: target.id }));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}
