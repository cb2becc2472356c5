/**
 * Creates or edits a backup schedule: the cron expression checked by the bridge as it is typed (a bad one is
 * explained under the field, its faulty part marked, and Save stays off), the IANA time zone (the local one by
 * default), the misfire policy, retention, the backup's options — and the next five runs.
 */
import { useMemo, useState } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import { MISFIRE_POLICIES, type Schedule } from '../../../protocol/schedules.js';
import { Dialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { BackupOptionsFields } from '../backups/BackupOptionsFields.js';
import { choicesFrom, choicesProblem, toOptions, type BackupChoices } from '../backups/backup-options-model.js';
import { fieldsOf } from './cron-explain.js';
import { localTimeZone, timeZones } from './time-zones.js';
import { useCronPreview } from './use-cron-preview.js';

const PRESETS = [
  { label: 'Every day at 03:00', cron: '0 3 * * *' },
  { label: 'Every hour', cron: '0 * * * *' },
  { label: 'Weekdays at 22:30', cron: '30 22 * * 1-5' },
  { label: 'Sundays at 04:00', cron: '0 4 * * 0' },
  { label: 'Every 15 minutes', cron: '*/15 * * * *' },
];

/** A run as people read it: weekday, date and time in the schedule's zone. */
const RUN_FORMAT: Intl.DateTimeFormatOptions = { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

const MISFIRE_LABELS: Record<(typeof MISFIRE_POLICIES)[number], string> = {
  run_once: 'Run once',
  run_all: 'Run each (last 100)',
  skip: 'Skip them',
};

export function ScheduleEditor(props: { connection: Connection; schedule?: Schedule; onSaved: () => void; onClose: () => void }) {
  const editing = props.schedule;
  const [cron, setCron] = useState(editing?.cron ?? '0 3 * * *');
  const [timezone, setTimezone] = useState(editing?.timezone ?? localTimeZone());
  const [misfire, setMisfire] = useState<Schedule['misfire']>(editing?.misfire ?? 'run_once');
  const [retention, setRetention] = useState(editing?.retention?.toString() ?? '7');
  const [choices, setChoices] = useState<BackupChoices>(choicesFrom(editing?.options));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const zones = useMemo(timeZones, []);
  const preview = useCronPreview(cron, timezone);

  const retentionValue = retention.trim() === '' ? null : Number(retention);
  const retentionProblem = retentionValue !== null && (!Number.isInteger(retentionValue) || retentionValue < 1 || retentionValue > 10_000) ? 'Keep between 1 and 10000 backups, or leave empty to keep all.' : null;
  const optionsProblem = choicesProblem(choices);
  const canSave = preview.kind === 'valid' && !retentionProblem && !optionsProblem && !saving;
  const badField = preview.kind === 'invalid' ? preview.explanation.field : undefined;

  async function save() {
    if (!canSave) return;
    setSaving(true);
    setError(null);
    const options = toOptions(props.connection.type, choices);
    try {
      if (editing) {
        await bridge.client.call('schedule.update', { id: editing.id, patch: { cron: cron.trim(), timezone, misfire, retention: retentionValue, options } });
      } else {
        await bridge.client.call('schedule.create', { connectionId: props.connection.id, cron: cron.trim(), timezone, misfire, options, ...(retentionValue !== null ? { retention: retentionValue } : {}) });
      }
      props.onSaved();
    } catch (e) {
      setError(describeError(e));
      setSaving(false);
    }
  }

  return (
    <Dialog title={editing ? 'Edit backup schedule' : 'New backup schedule'} onClose={props.onClose} wide>
      <form
        className="schedule-editor"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className="cron-row">
          <label className="field cron-field">
            <span className="field-label">Cron expression</span>
            <input
              value={cron}
              onChange={(e) => setCron(e.target.value)}
              className={`mono ${preview.kind === 'invalid' ? 'invalid' : ''}`}
              aria-invalid={preview.kind === 'invalid'}
              aria-describedby="cron-explanation"
              spellCheck={false}
              autoFocus
            />
          </label>
          <label className="field">
            <span className="field-label">Presets</span>
            <select value="" onChange={(e) => e.target.value && setCron(e.target.value)} aria-label="Cron presets">
              <option value="">Choose…</option>
              {PRESETS.map((p) => (
                <option key={p.cron} value={p.cron}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ol className="cron-fields" aria-label="Cron fields">
          {fieldsOf(cron).map((f) => (
            <li key={f.key} className={badField === f.key ? 'bad' : ''}>
              <code>{f.value ?? '—'}</code>
              <span>{f.label}</span>
              <span className="muted">{f.range}</span>
            </li>
          ))}
        </ol>
        <div id="cron-explanation" className="cron-explanation" aria-live="polite">
          {preview.kind === 'invalid' && (
            <p className="field-error" role="alert" data-testid="cron-error">
              {preview.explanation.message}
              {preview.reason !== 'empty' && <span className="muted"> (bridge: {preview.reason})</span>}
            </p>
          )}
          {preview.kind === 'unknown' && <p className="field-error">Cannot check the expression: {preview.message}</p>}
        </div>

        <div className="option-grid">
          <label className="field">
            <span className="field-label">Time zone</span>
            <select value={timezone} onChange={(e) => setTimezone(e.target.value)} aria-label="Time zone">
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                  {z === localTimeZone() ? ' (local)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Missed runs</span>
            <select value={misfire} onChange={(e) => setMisfire(e.target.value as Schedule['misfire'])} aria-label="Misfire policy">
              {MISFIRE_POLICIES.map((m) => (
                <option key={m} value={m}>
                  {MISFIRE_LABELS[m]}
                </option>
              ))}
            </select>
            <span className="field-hint">Runs due while the bridge was not running: one backup for all, one for each, or none.</span>
          </label>
          <label className="field">
            <span className="field-label">Keep newest</span>
            <input type="number" min={1} max={10_000} value={retention} onChange={(e) => setRetention(e.target.value)} aria-label="Retention" placeholder="all" />
            <span className={retentionProblem ? 'field-error' : 'field-hint'}>{retentionProblem ?? 'backups of this schedule (empty: keep all)'}</span>
          </label>
        </div>

        <div className="next-runs" role="group" aria-label="Next runs">
          <h3>Next five runs</h3>
          {preview.kind === 'valid' ? (
            <ol>
              {preview.runs.map((run) => (
                <li key={run}>
                  <time dateTime={run}>{new Date(run).toLocaleString(undefined, { ...RUN_FORMAT, timeZone: preview.timezone })}</time>
                  <span className="muted"> {preview.timezone}</span>
                  {preview.timezone !== localTimeZone() && <span className="muted"> · {new Date(run).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })} local</span>}
                </li>
              ))}
            </ol>
          ) : preview.kind === 'checking' ? (
            <p className="muted">Checking…</p>
          ) : (
            <p className="muted">None until the expression is valid.</p>
          )}
        </div>

        <fieldset className="form-section open">
          <legend className="field-label">Backup</legend>
          <BackupOptionsFields connection={props.connection} choices={choices} onChange={setChoices} />
          {optionsProblem && <span className="field-error">{optionsProblem}</span>}
        </fieldset>

        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!canSave}>
            {editing ? 'Save' : 'Save schedule'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
