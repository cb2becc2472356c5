/**
 * Create or edit a connection: the engine's fields, SSL and SSH sections, isolation, and a Test button that shows
 * the latency and server version or the error code and message (docs/api.md "connection.test").
 */
import { cloneElement, useId, useState, type ReactElement } from 'react';
import type { Connection, ConnectionTestResult, ConnectorType } from '../../../protocol/connections.js';
import { Dialog } from '../app/Dialog.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { configFromForm, DEFAULT_PORTS, emptyForm, formFromConnection, validateForm, type FormState } from './connection-form-model.js';
import { connectionUpdated } from '../schema/metadata-store.js';
import { ENGINE_LABELS, reloadConnections } from './connections-store.js';

export type FormMode = { kind: 'create' } | { kind: 'edit'; connection: Connection } | { kind: 'duplicate'; connection: Connection };

type TestState = { kind: 'idle' } | { kind: 'testing' } | { kind: 'done'; result: ConnectionTestResult; savedSettings: boolean } | { kind: 'failed'; message: string };

const ENGINES: ConnectorType[] = ['postgres', 'mysql', 'sqlite'];

export function ConnectionForm(props: { mode: FormMode; onClose: () => void; onSaved: (c: Connection) => void }) {
  const { mode } = props;
  const [form, setForm] = useState<FormState>(() =>
    mode.kind === 'create' ? emptyForm() : { ...formFromConnection(mode.connection), name: mode.kind === 'duplicate' ? `${mode.connection.name} (copy)` : mode.connection.name },
  );
  const [touched, setTouched] = useState(false);
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const problems = validateForm(form);
  const passwordStored = mode.kind === 'edit' && mode.connection.storedCredentials;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const title = mode.kind === 'edit' ? `Edit ${mode.connection.name}` : mode.kind === 'duplicate' ? 'Duplicate connection' : 'New connection';

  async function runTest() {
    setTest({ kind: 'testing' });
    try {
      // A blank password on an edited connection means "the stored one", which only the saved connection has.
      const useSaved = mode.kind === 'edit' && passwordStored && !form.password;
      const result = useSaved
        ? await bridge.client.call('connection.test', { connectionId: mode.connection.id })
        : await bridge.client.call('connection.test', { config: configFromForm(form) });
      setTest({ kind: 'done', result, savedSettings: useSaved });
    } catch (error) {
      setTest({ kind: 'failed', message: describeError(error) });
    }
  }

  async function save() {
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    setSaveError(null);
    try {
      const config = configFromForm(form);
      const saved =
        mode.kind === 'edit'
          ? await bridge.client.call('connection.update', { id: mode.connection.id, config })
          : await bridge.client.call('connection.create', { config });
      await reloadConnections();
      if (mode.kind === 'edit') connectionUpdated(mode.connection.id);
      props.onSaved(saved);
    } catch (error) {
      setSaveError(describeError(error));
    } finally {
      setSaving(false);
    }
  }

  const error = (key: keyof FormState) => (touched ? problems[key] : undefined);
  const isSqlite = form.type === 'sqlite';

  return (
    <Dialog title={title} onClose={props.onClose} wide>
      <form
        className="connection-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label="Name" error={error('name')}>
          <input value={form.name} onChange={(e) => set('name', e.target.value)} autoFocus required />
        </Field>
        <Field label="Engine">
          <select value={form.type} onChange={(e) => set('type', e.target.value as ConnectorType)} disabled={mode.kind === 'edit'}>
            {ENGINES.map((engine) => (
              <option key={engine} value={engine}>
                {ENGINE_LABELS[engine]}
              </option>
            ))}
          </select>
        </Field>
        {isSqlite ? (
          <>
            <Field label="Database file" error={error('database')} hint="The path of the SQLite file on the bridge's machine">
              <input value={form.database} onChange={(e) => set('database', e.target.value)} placeholder="/home/me/data.sqlite" />
            </Field>
            <div className="form-row checks">
              <Check label="Create the file if it does not exist" checked={form.sqliteCreate} onChange={(v) => set('sqliteCreate', v)} />
              <Check label="Read-only" checked={form.sqliteReadOnly} onChange={(v) => set('sqliteReadOnly', v)} />
            </div>
          </>
        ) : (
          <>
            <div className="form-grid">
              <Field label="Host" error={error('host')}>
                <input value={form.host} onChange={(e) => set('host', e.target.value)} />
              </Field>
              <Field label="Port" error={error('port')}>
                <input value={form.port} inputMode="numeric" placeholder={String(DEFAULT_PORTS[form.type] ?? '')} onChange={(e) => set('port', e.target.value)} />
              </Field>
            </div>
            <Field label="Database">
              <input value={form.database} onChange={(e) => set('database', e.target.value)} />
            </Field>
            <div className="form-grid">
              <Field label="User">
                <input value={form.user} autoComplete="off" onChange={(e) => set('user', e.target.value)} />
              </Field>
              <Field label="Password" hint={passwordStored ? 'A password is stored; leave blank to keep it' : undefined}>
                <input type="password" autoComplete="new-password" value={form.password} placeholder={passwordStored ? '•••••• stored' : ''} onChange={(e) => set('password', e.target.value)} />
              </Field>
            </div>
            <fieldset className={form.sslEnabled ? 'form-section open' : 'form-section'}>
              <legend>
                <Check label="SSL / TLS" checked={form.sslEnabled} onChange={(v) => set('sslEnabled', v)} />
              </legend>
              {form.sslEnabled && (
                <>
                  <Check label="Verify the server certificate" checked={form.sslRejectUnauthorized} onChange={(v) => set('sslRejectUnauthorized', v)} />
                  <Field label="CA certificate (PEM)">
                    <textarea rows={3} value={form.sslCa} onChange={(e) => set('sslCa', e.target.value)} />
                  </Field>
                </>
              )}
            </fieldset>
            <fieldset className={form.sshEnabled ? 'form-section open' : 'form-section'}>
              <legend>
                <Check label="SSH tunnel" checked={form.sshEnabled} onChange={(v) => set('sshEnabled', v)} />
              </legend>
              {form.sshEnabled && (
                <>
                  <div className="form-grid">
                    <Field label="SSH host" error={error('sshHost')}>
                      <input value={form.sshHost} onChange={(e) => set('sshHost', e.target.value)} />
                    </Field>
                    <Field label="SSH port" error={error('sshPort')}>
                      <input value={form.sshPort} placeholder="22" onChange={(e) => set('sshPort', e.target.value)} />
                    </Field>
                  </div>
                  <Field label="SSH user" error={error('sshUser')}>
                    <input value={form.sshUser} onChange={(e) => set('sshUser', e.target.value)} />
                  </Field>
                  <Field label="Private key (PEM)" hint={mode.kind === 'edit' ? 'Stored keys are never shown; leave blank to keep' : undefined}>
                    <textarea rows={3} value={form.sshPrivateKey} onChange={(e) => set('sshPrivateKey', e.target.value)} />
                  </Field>
                  <Field label="Key passphrase">
                    <input type="password" autoComplete="new-password" value={form.sshPassphrase} onChange={(e) => set('sshPassphrase', e.target.value)} />
                  </Field>
                </>
              )}
            </fieldset>
          </>
        )}
        <Field label="Isolation" hint="Where the driver runs: a worker thread, or a separate process">
          <select value={form.isolation} onChange={(e) => set('isolation', e.target.value as FormState['isolation'])}>
            <option value="">Default for the engine</option>
            <option value="thread">Worker thread</option>
            <option value="process">Child process</option>
          </select>
        </Field>
        <TestOutcome state={test} />
        {saveError && (
          <p className="form-error" role="alert">
            {saveError}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => void runTest()} disabled={test.kind === 'testing'}>
            {test.kind === 'testing' ? 'Testing…' : 'Test'}
          </button>
          <span className="spacer" />
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TestOutcome({ state }: { state: TestState }) {
  if (state.kind === 'idle' || state.kind === 'testing') return <div className="test-outcome" aria-live="polite" />;
  if (state.kind === 'failed') return <div className="test-outcome bad" role="status" aria-live="polite">{state.message}</div>;
  const { result } = state;
  return (
    <div className={result.ok ? 'test-outcome good' : 'test-outcome bad'} role="status" aria-live="polite">
      {result.ok ? (
        <>
          <strong>Connected</strong> in {result.latencyMs} ms{result.serverVersion ? ` — ${result.serverVersion}` : ''}
          {state.savedSettings ? ' (saved settings)' : ''}
        </>
      ) : (
        <>
          <strong>{result.error?.code ?? 'Failed'}</strong>: {result.error?.message ?? result.message} ({result.latencyMs} ms)
        </>
      )}
    </div>
  );
}

function Field(props: { label: string; error?: string; hint?: string; children: ReactElement<{ id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }> }) {
  const id = useId();
  const note = props.error ?? props.hint;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      {cloneElement(props.children, { id, 'aria-describedby': note ? `${id}-note` : undefined, 'aria-invalid': props.error ? true : undefined })}
      {note && (
        <span id={`${id}-note`} className={props.error ? 'field-error' : 'field-hint'}>
          {note}
        </span>
      )}
    </div>
  );
}

function Check(props: { label: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      {props.label}
    </label>
  );
}
