/**
 * The connection form's mapping to the protocol's config: per engine, blank secrets left out (an update keeps the
 * stored ones), validation per field, and the result accepted by the protocol's own zod schema.
 */
import { describe, expect, it } from 'vitest';
import { connectionConfigSchema, type Connection } from '../../../protocol/connections.js';
import { configFromForm, emptyForm, formFromConnection, validateForm } from '../../../ui/src/connections/connection-form-model.js';

describe('the connection form model', () => {
  it('builds a PostgreSQL config with SSL and SSH that the protocol accepts', () => {
    const config = configFromForm({
      ...emptyForm('postgres'),
      name: ' Prod ',
      host: 'db.internal',
      port: '6543',
      database: 'app',
      user: 'me',
      password: 's3cret',
      sslEnabled: true,
      sslRejectUnauthorized: false,
      sshEnabled: true,
      sshHost: 'bastion',
      sshUser: 'ops',
      sshPort: '2222',
      isolation: 'process',
    });
    expect(config).toEqual({
      name: 'Prod',
      type: 'postgres',
      host: 'db.internal',
      port: 6543,
      database: 'app',
      user: 'me',
      password: 's3cret',
      ssl: { rejectUnauthorized: false },
      ssh: { host: 'bastion', user: 'ops', port: 2222 },
      extra: { isolation: 'process' },
    });
    expect(connectionConfigSchema.safeParse(config).success).toBe(true);
  });

  it('leaves a blank password out, so an update keeps the stored one', () => {
    const config = configFromForm({ ...emptyForm('mysql'), name: 'm', host: 'h', password: '' });
    expect('password' in config).toBe(false);
  });

  it('builds a SQLite config from a file path, with create and read-only flags', () => {
    const config = configFromForm({ ...emptyForm('sqlite'), name: 'file', database: '/tmp/x.sqlite', sqliteCreate: true, host: 'ignored' });
    expect(config).toEqual({ name: 'file', type: 'sqlite', database: '/tmp/x.sqlite', extra: { create: true } });
    expect(connectionConfigSchema.safeParse(config).success).toBe(true);
  });

  it('never fills a secret back in from a saved connection', () => {
    const saved: Connection = {
      id: 'c1',
      name: 'x',
      type: 'postgres',
      host: 'h',
      port: 5432,
      user: 'u',
      ssh: { host: 'b', user: 'o' },
      storedCredentials: true,
      createdAt: '',
      updatedAt: '',
    };
    const form = formFromConnection(saved);
    expect(form.password).toBe('');
    expect(form.sshPrivateKey).toBe('');
    expect(form.sshEnabled).toBe(true);
    expect(form.port).toBe('5432');
  });

  it('names the field that is wrong', () => {
    expect(validateForm({ ...emptyForm('postgres'), name: '', host: '', port: 'abc' })).toEqual({
      name: 'A name is required',
      host: 'A host is required',
      port: 'A port is a number from 1 to 65535',
    });
    expect(validateForm({ ...emptyForm('sqlite'), name: 'a' })).toEqual({ database: 'The path of the database file is required' });
    expect(validateForm({ ...emptyForm('postgres'), name: 'a', host: 'h' })).toEqual({});
  });
});
