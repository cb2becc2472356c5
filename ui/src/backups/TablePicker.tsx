/** A filterable list of checkboxes for the tables of a table backup (names as backupTableNames gives them). */
import { useState } from 'react';

export function TablePicker(props: { tables: string[]; selected: string[]; onChange: (selected: string[]) => void }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = props.tables.filter((t) => !needle || t.toLowerCase().includes(needle));
  const toggle = (table: string, on: boolean) => props.onChange(on ? [...props.selected, table] : props.selected.filter((t) => t !== table));
  return (
    <div className="table-picker">
      <div className="table-picker-tools">
        <input type="search" placeholder="Filter tables" aria-label="Filter tables" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted">{props.selected.length} selected</span>
        <button type="button" className="small" onClick={() => props.onChange([...new Set([...props.selected, ...shown])])}>
          All
        </button>
        <button type="button" className="small" onClick={() => props.onChange([])}>
          None
        </button>
      </div>
      {shown.length === 0 && <p className="muted">{props.tables.length === 0 ? 'This database has no tables.' : 'No table matches the filter.'}</p>}
      <ul className="table-picker-list" aria-label="Tables to back up">
        {shown.map((table) => (
          <li key={table}>
            <label className="check">
              <input type="checkbox" checked={props.selected.includes(table)} onChange={(e) => toggle(table, e.target.checked)} /> {table}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
