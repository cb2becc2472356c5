/** query_history: one row per accepted run, capped so app.db cannot grow without bound. */
import type { HistoryEntry, RunStatus } from '../../protocol/index.js';
import type { Db } from './app-store.js';

/** Rows kept; the oldest are deleted past this. */
export const HISTORY_CAP = 5000;
/** SQL longer than this is stored cut (a pasted 10 MB script is not worth keeping whole). */
const MAX_SQL_CHARS = 100_000;

export class HistoryRepo {
  readonly #insert;
  readonly #trim;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(
      'INSERT INTO query_history (connection_id, sql, started_at, duration_ms, rows, status) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#trim = db.prepare('DELETE FROM query_history WHERE id <= (SELECT max(id) FROM query_history) - ?');
  }

  record(entry: Omit<HistoryEntry, 'id'>): void {
    this.db.transaction(() => {
      this.#insert.run(entry.connectionId, entry.sql.slice(0, MAX_SQL_CHARS), entry.startedAt, entry.durationMs, entry.rows, entry.status);
      this.#trim.run(HISTORY_CAP);
    })();
  }

  list(connectionId?: string, limit = 100): HistoryEntry[] {
    const rows = (
      connectionId === undefined
        ? this.db.prepare('SELECT * FROM query_history ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM query_history WHERE connection_id = ? ORDER BY id DESC LIMIT ?').all(connectionId, limit)
    ) as Array<{ id: number; connection_id: string; sql: string; started_at: string; duration_ms: number; rows: number; status: RunStatus }>;
    return rows.map((r) => ({
      id: r.id,
      connectionId: r.connection_id,
      sql: r.sql,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      rows: r.rows,
      status: r.status,
    }));
  }
}
