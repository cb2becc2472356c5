/**
 * The schema browser of the selected connection: schemas → tables and views → columns (type, nullability, key),
 * indexes and foreign keys, with row estimates, a filter box, Refresh, and one click to open a table's rows.
 */
import { useMemo, useState } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import type { SchemaInfo, TableInfo } from '../../../protocol/metadata.js';
import { completionSchema } from '../editor/editor-setup.js';
import { loadMetadata, useMetadata } from './metadata-store.js';
import { selectAllSql } from './quote.js';

export function SchemaBrowser(props: { connection: Connection | undefined; onOpenTable: (sql: string, title: string) => void; onOpenDiagram?: (schema: string) => void }) {
  const { connection } = props;
  const entry = useMetadata(connection?.id ?? null);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const toggle = (key: string, fallback = false) => setOpen((o) => ({ ...o, [key]: !(o[key] ?? fallback) }));
  const metadata = entry?.kind === 'ready' ? entry.metadata : undefined;
  const defaultSchema = useMemo(() => completionSchema(metadata).defaultSchema, [metadata]);

  if (!connection) return <section className="panel schema-panel" aria-label="Schema"><p className="muted">Select a connection to browse its schema.</p></section>;

  const needle = filter.trim().toLowerCase();
  const matches = (t: TableInfo) => !needle || t.name.toLowerCase().includes(needle) || t.columns.some((c) => c.name.toLowerCase().includes(needle));

  return (
    <section className="panel schema-panel" aria-label="Schema">
      <header className="panel-header">
        <h2>Schema</h2>
        <button type="button" className="small" onClick={() => void loadMetadata(connection.id, true)} aria-label="Refresh schema">
          ↻ Refresh
        </button>
      </header>
      <input className="filter" type="search" placeholder="Filter tables and columns" aria-label="Filter tables and columns" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {!entry || entry.kind === 'loading' ? (
        <p className="muted">Loading schema…</p>
      ) : entry.kind === 'failed' ? (
        <p className="form-error" role="alert">{entry.message}</p>
      ) : (
        <ul className="tree" role="tree" aria-label={`Schema of ${connection.name}`}>
          {entry.metadata.schemas.map((schema) => (
            <SchemaNode
              key={schema.name}
              schema={schema}
              expanded={open[`s:${schema.name}`] ?? (schema.name === defaultSchema || entry.metadata.schemas.length === 1 || needle !== '')}
              onToggle={() => toggle(`s:${schema.name}`, schema.name === defaultSchema || entry.metadata.schemas.length === 1)}
              open={open}
              toggle={toggle}
              matches={matches}
              onOpenTable={(t) => props.onOpenTable(selectAllSql(t.schema, t.name, connection.type, defaultSchema), t.name)}
              onOpenDiagram={props.onOpenDiagram && (() => props.onOpenDiagram!(schema.name))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function SchemaNode(props: {
  schema: SchemaInfo;
  expanded: boolean;
  onToggle: () => void;
  open: Record<string, boolean>;
  toggle: (key: string) => void;
  matches: (t: TableInfo) => boolean;
  onOpenTable: (t: TableInfo) => void;
  onOpenDiagram?: () => void;
}) {
  const { schema } = props;
  const tables = schema.tables.filter(props.matches);
  const views = schema.views.filter(props.matches);
  return (
    <li role="treeitem" aria-expanded={props.expanded} aria-selected={false}>
      <div className="tree-line">
        <button type="button" className="tree-toggle" onClick={props.onToggle}>
          <span className="chevron">{props.expanded ? '▾' : '▸'}</span> {schema.name}
          <span className="muted count">{schema.tables.length + schema.views.length}</span>
        </button>
        {props.onOpenDiagram && (
          <button type="button" className="small open-diagram" aria-label={`ER diagram of ${schema.name}`} title="ER diagram" onClick={props.onOpenDiagram}>
            Diagram
          </button>
        )}
      </div>
      {props.expanded && (
        <ul role="group">
          {[...tables, ...views].map((t) => {
            const key = `t:${schema.name}.${t.name}`;
            return <TableNode key={key} table={t} expanded={props.open[key] ?? false} onToggle={() => props.toggle(key)} onOpen={() => props.onOpenTable(t)} />;
          })}
          {tables.length + views.length === 0 && <li className="muted tree-empty">No matching tables</li>}
        </ul>
      )}
    </li>
  );
}

function TableNode(props: { table: TableInfo; expanded: boolean; onToggle: () => void; onOpen: () => void }) {
  const t = props.table;
  return (
    <li role="treeitem" aria-expanded={props.expanded} aria-selected={false} className="table-node">
      <div className="tree-line">
        <button type="button" className="tree-toggle" onClick={props.onToggle} title={t.comment ?? undefined}>
          <span className="chevron">{props.expanded ? '▾' : '▸'}</span>
          <span className={`kind-icon ${t.kind}`}>{t.kind === 'view' ? 'V' : 'T'}</span> {t.name}
          {t.rowEstimate !== null && <span className="muted count" title="Row estimate">~{formatCount(t.rowEstimate)}</span>}
        </button>
        <button type="button" className="icon-button open-rows" aria-label={`Open rows of ${t.name}`} title="Open rows" onClick={props.onOpen}>
          ▶
        </button>
      </div>
      {props.expanded && (
        <ul role="group" className="table-details">
          {t.columns.map((c) => (
            <li key={c.name} className="column-line">
              <span className="key-icon" title={c.primaryKey ? 'Primary key' : undefined}>{c.primaryKey ? 'PK' : t.foreignKeys.some((fk) => fk.columns.includes(c.name)) ? 'FK' : ''}</span>
              <span className="column-name">{c.name}</span>
              <span className="column-type">{c.type}</span>
              <span className="muted">{c.nullable ? 'null' : 'not null'}</span>
            </li>
          ))}
          {t.indexes.length > 0 && <li className="detail-heading">Indexes</li>}
          {t.indexes.map((i) => (
            <li key={`i:${i.name}`} className="detail-line">
              {i.name} <span className="muted">({i.columns.join(', ')}){i.primary ? ' primary' : i.unique ? ' unique' : ''}{i.method ? ` ${i.method}` : ''}</span>
            </li>
          ))}
          {t.foreignKeys.length > 0 && <li className="detail-heading">Foreign keys</li>}
          {t.foreignKeys.map((fk) => (
            <li key={`f:${fk.name}`} className="detail-line">
              {fk.columns.join(', ')} → {fk.referencedSchema ? `${fk.referencedSchema}.` : ''}
              {fk.referencedTable}({fk.referencedColumns.join(', ')})
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function formatCount(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1_000 ? `${(n / 1_000).toFixed(1)}k` : String(n);
}
