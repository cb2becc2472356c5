/**
 * The ER diagram of one schema of a connection: tables with their columns, foreign keys as edges, laid out in a Web
 * Worker (layout-client.ts). Filter to a table and its neighbours N hops out; click a table for its structure, open
 * its rows from there (or by double-click); export SVG or PNG.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { Connection } from '../../../protocol/connections.js';
import type { TableInfo } from '../../../protocol/metadata.js';
import { completionSchema } from '../editor/editor-setup.js';
import { download } from '../results/export.js';
import { useMetadata } from '../schema/metadata-store.js';
import { selectAllSql } from '../schema/quote.js';
import './diagram.css';
import { ErCanvas, type ErCanvasHandle } from './ErCanvas.js';
import { diagramPng, diagramSvg } from './er-export.js';
import { buildErGraph, neighbourhood, subgraph, type ErGraph } from './er-model.js';
import { layoutInWorker } from './layout-client.js';
import type { LayoutResult } from './layout-types.js';

type Drawn = { graph: ErGraph; layout: LayoutResult };

export function DiagramScreen(props: { connection: Connection; schema: string; onOpenTable: (sql: string, title: string) => void; onClose: () => void }) {
  const { connection } = props;
  const entry = useMetadata(connection.id);
  const metadata = entry?.kind === 'ready' ? entry.metadata : undefined;
  const [schemaName, setSchemaName] = useState(props.schema);
  const [focus, setFocus] = useState('');
  const [hops, setHops] = useState(1);
  const [selected, setSelected] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [phase, setPhase] = useState<{ kind: 'layout' } | { kind: 'done' } | { kind: 'failed'; message: string }>({ kind: 'layout' });
  const canvas = useRef<ErCanvasHandle>(null);

  const schema = metadata?.schemas.find((s) => s.name === schemaName);
  const full = useMemo(() => (schema ? buildErGraph(schema) : null), [schema]);
  const shown = useMemo(() => (full && focus && full.tables.some((t) => t.id === focus) ? subgraph(full, neighbourhood(full, focus, hops)) : full), [full, focus, hops]);

  useEffect(() => {
    if (!shown) return;
    let current = true;
    setPhase({ kind: 'layout' });
    layoutInWorker(shown).then(
      (layout) => {
        if (!current || !layout) return;
        // A transition: React renders hundreds of boxes in slices, yielding to the page between them.
        startTransition(() => {
          setDrawn({ graph: shown, layout });
          setPhase({ kind: 'done' });
        });
      },
      (error: unknown) => current && setPhase({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [shown]);

  const defaultSchema = useMemo(() => completionSchema(metadata).defaultSchema, [metadata]);
  const openRows = (t: TableInfo) => props.onOpenTable(selectAllSql(t.schema, t.name, connection.type, defaultSchema), t.name);
  const openRowsOf = (d: Drawn, name: string) => {
    const table = d.graph.tables.find((t) => t.id === name);
    if (table) openRows(table.info);
  };
  const selectedTable = drawn && selected ? drawn.graph.tables.find((t) => t.id === selected) : undefined;
  const fileBase = `${connection.name}-${schemaName}${focus ? `-${focus}` : ''}`.replace(/[^\w.-]+/g, '_');

  return (
    <section className="diagram-screen" aria-label="ER diagram">
      <div className="toolbar" role="toolbar" aria-label="Diagram">
        <strong className="diagram-title">ER diagram · {connection.name}</strong>
        {metadata && metadata.schemas.length > 1 && (
          <label className="inline-field">
            <span>Schema</span>
            <select value={schemaName} onChange={(e) => {
                setSchemaName(e.target.value);
                setFocus('');
                setSelected(null);
              }} aria-label="Schema">
              {metadata.schemas.map((s) => (
                <option key={s.name}>{s.name}</option>
              ))}
            </select>
          </label>
        )}
        <label className="inline-field">
          <span>Focus</span>
          <select value={focus} onChange={(e) => setFocus(e.target.value)} aria-label="Focus table">
            <option value="">All tables</option>
            {full?.tables.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Hops</span>
          <input type="number" min={1} max={9} value={hops} disabled={!focus} onChange={(e) => setHops(Math.max(1, Math.min(9, Number(e.target.value) || 1)))} aria-label="Neighbour hops" style={{ width: 56 }} />
        </label>
        <button type="button" className="small" onClick={() => canvas.current?.fit()} disabled={!drawn}>
          Fit
        </button>
        <span className="spacer" />
        <span className="muted" data-testid="diagram-status" role="status">
          {statusText(phase, drawn, full)}
        </span>
        <button type="button" className="small" disabled={!drawn} onClick={() => drawn && download(new Blob([diagramSvg(drawn.graph, drawn.layout)], { type: 'image/svg+xml' }), `${fileBase}.svg`)}>
          Export SVG
        </button>
        <button type="button" className="small" disabled={!drawn} onClick={() => drawn && void diagramPng(drawn.graph, drawn.layout).then((png) => download(png, `${fileBase}.png`))}>
          Export PNG
        </button>
        <button type="button" className="small" onClick={props.onClose} aria-label="Close diagram">
          Close
        </button>
      </div>
      <div className="diagram-body">
        {!metadata ? (
          <p className="muted diagram-note">{entry?.kind === 'failed' ? entry.message : 'Loading schema…'}</p>
        ) : !schema ? (
          <p className="muted diagram-note">No schema named {schemaName}.</p>
        ) : drawn ? (
          <ErCanvas graph={drawn.graph} layout={drawn.layout} selected={selected ?? (focus || null)} onSelect={setSelected} onOpen={(name) => openRowsOf(drawn, name)} handle={canvas} />
        ) : (
          <p className="muted diagram-note">Laying out {full?.tables.length ?? 0} tables…</p>
        )}
        {selectedTable && (
          <aside className="diagram-details" aria-label={`Structure of ${selectedTable.id}`}>
            <header className="panel-header">
              <h2>{selectedTable.id}</h2>
              <button type="button" className="icon-button" aria-label="Close structure" onClick={() => setSelected(null)}>
                ×
              </button>
            </header>
            <div className="diagram-actions">
              <button type="button" className="small primary" onClick={() => openRows(selectedTable.info)}>
                Open rows
              </button>
              <button type="button" className="small" onClick={() => setFocus(selectedTable.id)}>
                Focus here
              </button>
            </div>
            <ul className="table-details">
              {selectedTable.columns.map((c) => (
                <li key={c.name}>
                  <span className="key-icon">{c.primaryKey ? 'PK' : c.foreignKey ? 'FK' : ''}</span>
                  <span className="column-name">{c.name}</span>
                  <span className="column-type">{c.type}</span>
                  <span className="muted">{c.nullable ? 'null' : 'not null'}</span>
                </li>
              ))}
              {selectedTable.info.indexes.length > 0 && <li className="detail-heading">Indexes</li>}
              {selectedTable.info.indexes.map((i) => (
                <li key={`i:${i.name}`} className="detail-line">
                  {i.name} <span className="muted">({i.columns.join(', ')}){i.primary ? ' primary' : i.unique ? ' unique' : ''}</span>
                </li>
              ))}
              {selectedTable.info.foreignKeys.length > 0 && <li className="detail-heading">Foreign keys</li>}
              {selectedTable.info.foreignKeys.map((fk) => (
                <li key={`f:${fk.name}`} className="detail-line">
                  {fk.columns.join(', ')} → {fk.referencedTable}({fk.referencedColumns.join(', ')})
                </li>
              ))}
            </ul>
          </aside>
        )}
      </div>
    </section>
  );
}

function statusText(phase: { kind: string; message?: string }, drawn: Drawn | null, full: ErGraph | null): string {
  if (phase.kind === 'failed') return `Layout failed: ${phase.message}`;
  if (phase.kind === 'layout') return `Laying out ${full?.tables.length ?? ''} tables…`;
  if (!drawn) return '';
  const { graph, layout } = drawn;
  const outside = graph.outsideEdges > 0 ? ` (${graph.outsideEdges} to other schemas not drawn)` : '';
  return `${graph.tables.length} tables, ${graph.edges.length} foreign keys${outside} · layout ${Math.round(layout.layoutMs)} ms`;
}
