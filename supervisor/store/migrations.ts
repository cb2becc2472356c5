/**
 * app.db's schema, as numbered migrations. A migration runs once, in a transaction with the bump of
 * `user_version`, so a crash mid-migration leaves the previous version intact. Never edit a shipped migration:
 * add the next number.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: saved connections. `config` is the connection's JSON without any secret field.
  `CREATE TABLE connections (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     config TEXT NOT NULL,
     stored_credentials INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // 2: query history, capped by the store.
  `CREATE TABLE query_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     connection_id TEXT NOT NULL,
     sql TEXT NOT NULL,
     started_at TEXT NOT NULL,
     duration_ms INTEGER NOT NULL,
     rows INTEGER NOT NULL,
     status TEXT NOT NULL
   );
   CREATE INDEX query_history_connection ON query_history(connection_id, id);`,
  // 3: app-level settings (e.g. whether the sample connection was offered once).
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 4: connections whose secrets may exist in the secret store without a row here — written before the secrets of a
  // new connection, and with the deletion of a row whose secrets could not be deleted yet (a locked secrets file).
  // Reconciled at start and after each unlock (supervisor/secrets/connection-credentials.ts).
  `CREATE TABLE secret_cleanup (
     connection_id TEXT PRIMARY KEY,
     reason TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
];
