/**
 * The secret_cleanup journal in app.db: ids of connections whose secrets may sit in the secret store although the
 * connection has no row (yet, or any more). An entry is written *before* the store is touched, in the same
 * transaction as the row change it belongs to, so that a crash at any point leaves either a clean state or an entry
 * that the next reconciliation finishes (supervisor/secrets/connection-credentials.ts).
 */
import type { Db } from './app-store.js';

export type CleanupReason = 'create' | 'delete';

export interface CleanupEntry {
  connectionId: string;
  reason: CleanupReason;
  createdAt: string;
}

export class SecretCleanupRepo {
  constructor(private readonly db: Db) {}

  add(connectionId: string, reason: CleanupReason): void {
    this.db
      .prepare(
        'INSERT INTO secret_cleanup (connection_id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT(connection_id) DO UPDATE SET reason = excluded.reason',
      )
      .run(connectionId, reason, new Date().toISOString());
  }

  remove(connectionId: string): void {
    this.db.prepare('DELETE FROM secret_cleanup WHERE connection_id = ?').run(connectionId);
  }

  list(): CleanupEntry[] {
    const rows = this.db.prepare('SELECT connection_id, reason, created_at FROM secret_cleanup ORDER BY created_at').all() as Array<{
      connection_id: string;
      reason: CleanupReason;
      created_at: string;
    }>;
    return rows.map((r) => ({ connectionId: r.connection_id, reason: r.reason, createdAt: r.created_at }));
  }
}
