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
  // 5: the job system (docs/architecture.md "Jobs"): jobs, the backups they produce, backup schedules. The unique
  // (schedule_id, scheduled_for) means a scheduled run is enqueued at most once, whatever restarts happen.
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     connection_id TEXT,
     params TEXT NOT NULL,
     progress REAL NOT NULL DEFAULT 0,
     error TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     schedule_id TEXT,
     scheduled_for TEXT,
     partial_path TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT,
     UNIQUE (schedule_id, scheduled_for)
   );
   CREATE INDEX jobs_status ON jobs(status, seq);
   CREATE TABLE backups (
     id TEXT PRIMARY KEY,
     connection_id TEXT NOT NULL,
     job_id TEXT,
     schedule_id TEXT,
     path TEXT NOT NULL,
     type TEXT NOT NULL,
     tables TEXT,
     format TEXT NOT NULL,
     engine TEXT NOT NULL,
     size INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     tool TEXT NOT NULL,
     tool_version TEXT,
     duration_ms INTEGER NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX backups_connection ON backups(connection_id, created_at);
   CREATE TABLE schedules (
     id TEXT PRIMARY KEY,
     connection_id TEXT NOT NULL,
     cron TEXT NOT NULL,
     timezone TEXT NOT NULL,
     misfire TEXT NOT NULL,
     options TEXT NOT NULL,
     enabled INTEGER NOT NULL DEFAULT 1,
     retention INTEGER,
     next_run_at TEXT,
     last_run_at TEXT,
     created_at TEXT NOT NULL
   );`,
  // 6: saved charts (docs/api.md "chart.save"): a query on a connection and how to plot its result. They go with
  // their connection.
  `CREATE TABLE charts (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
     sql TEXT NOT NULL,
     spec TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX charts_connection ON charts(connection_id, name);`,
];
