/** Saved connections in app.db. Holds only the public part of a config; secrets live in the secret store. */
import { randomUUID } from 'node:crypto';
import { BridgeError, type Connection } from '../../protocol/index.js';
import type { Db } from './app-store.js';
import type { PublicConfig } from '../secrets/connection-secrets.js';

interface Row {
  id: string;
  name: string;
  type: string;
  config: string;
  stored_credentials: number;
  created_at: string;
  updated_at: string;
}

export class ConnectionsRepo {
  constructor(private readonly db: Db) {}

  list(): Connection[] {
    const rows = this.db.prepare('SELECT * FROM connections ORDER BY created_at, id').all() as Row[];
    return rows.map(toConnection);
  }

  find(id: string): Connection | undefined {
    const row = this.db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as Row | undefined;
    return row && toConnection(row);
  }

  get(id: string): Connection {
    const found = this.find(id);
    if (!found) throw new BridgeError('CONNECTION_NOT_FOUND', `No connection with id ${id}`, { id });
    return found;
  }

  /** The stored public config of a connection, as needed to start its worker. */
  publicConfig(id: string): PublicConfig {
    const row = this.db.prepare('SELECT config FROM connections WHERE id = ?').get(id) as { config: string } | undefined;
    if (!row) throw new BridgeError('CONNECTION_NOT_FOUND', `No connection with id ${id}`, { id });
    return JSON.parse(row.config) as PublicConfig;
  }

  insert(config: PublicConfig, storedCredentials: boolean, id: string = `conn_${randomUUID()}`): Connection {
    const now = new Date().toISOString();
    this.db
      .prepare(
        'INSERT INTO connections (id, name, type, config, stored_credentials, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, config.name, config.type, JSON.stringify(config), storedCredentials ? 1 : 0, now, now);
    return this.get(id);
  }

  update(id: string, config: PublicConfig, storedCredentials: boolean): Connection {
    const result = this.db
      .prepare('UPDATE connections SET name = ?, type = ?, config = ?, stored_credentials = ?, updated_at = ? WHERE id = ?')
      .run(config.name, config.type, JSON.stringify(config), storedCredentials ? 1 : 0, new Date().toISOString(), id);
    if (result.changes === 0) throw new BridgeError('CONNECTION_NOT_FOUND', `No connection with id ${id}`, { id });
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM connections WHERE id = ?').run(id).changes > 0;
  }

  /** Runs fn in one app.db transaction (e.g. a row write and the secret write it depends on). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toConnection(row: Row): Connection {
  const config = JSON.parse(row.config) as PublicConfig;
  // Built field by field so nothing unexpected (least of all a secret) can ride along from the stored JSON.
  const connection: Connection = {
    id: row.id,
    name: row.name,
    type: row.type as Connection['type'],
    storedCredentials: row.stored_credentials === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (config.host !== undefined) connection.host = config.host;
  if (config.port !== undefined) connection.port = config.port;
  if (config.user !== undefined) connection.user = config.user;
  if (config.database !== undefined) connection.database = config.database;
  if (config.socketPath !== undefined) connection.socketPath = config.socketPath;
  if (config.ssl !== undefined) connection.ssl = { ...config.ssl };
  if (config.ssh !== undefined) connection.ssh = { host: config.ssh.host, user: config.ssh.user, ...(config.ssh.port ? { port: config.ssh.port } : {}) };
  if (config.extra !== undefined) connection.extra = config.extra;
  return connection;
}
