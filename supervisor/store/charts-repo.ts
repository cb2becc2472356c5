/** The charts table of app.db: saved charts (a query and how to plot it), deleted with their connection. */
import { randomUUID } from 'node:crypto';
import { BridgeError, type ChartSpec, type SavedChart } from '../../protocol/index.js';
import type { Db } from './app-store.js';

interface Row {
  id: string;
  name: string;
  connection_id: string;
  sql: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

export interface ChartDraft {
  name: string;
  connectionId: string;
  sql: string;
  spec: ChartSpec;
}

export class ChartsRepo {
  constructor(private readonly db: Db) {}

  /** A new chart, or (with `id`) the replacement of an existing one, in one transaction. */
  save(draft: ChartDraft, id?: string): SavedChart {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      if (id === undefined) {
        const chartId = `chart_${randomUUID()}`;
        this.db
          .prepare('INSERT INTO charts (id, name, connection_id, sql, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(chartId, draft.name, draft.connectionId, draft.sql, JSON.stringify(draft.spec), now, now);
        return this.get(chartId);
      }
      const changed = this.db
        .prepare('UPDATE charts SET name = ?, connection_id = ?, sql = ?, spec = ?, updated_at = ? WHERE id = ?')
        .run(draft.name, draft.connectionId, draft.sql, JSON.stringify(draft.spec), now, id).changes;
      if (changed === 0) throw notFound(id);
      return this.get(id);
    })();
  }

  get(id: string): SavedChart {
    const row = this.db.prepare('SELECT * FROM charts WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound(id);
    return toChart(row);
  }

  list(connectionId?: string): SavedChart[] {
    const rows = (
      connectionId === undefined
        ? this.db.prepare('SELECT * FROM charts ORDER BY name, id').all()
        : this.db.prepare('SELECT * FROM charts WHERE connection_id = ? ORDER BY name, id').all(connectionId)
    ) as Row[];
    return rows.map(toChart);
  }

  delete(id: string): void {
    if (this.db.prepare('DELETE FROM charts WHERE id = ?').run(id).changes === 0) throw notFound(id);
  }
}

function notFound(id: string): BridgeError {
  return new BridgeError('CHART_NOT_FOUND', `No saved chart with id ${id}`, { chartId: id });
}

function toChart(row: Row): SavedChart {
  return {
    id: row.id,
    name: row.name,
    connectionId: row.connection_id,
    sql: row.sql,
    spec: JSON.parse(row.spec) as ChartSpec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
