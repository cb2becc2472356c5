/**
 * A windowed DOM grid over a ResultSet: only the rows in view are elements, cells are read by index from the result
 * store. Column types show in the header, NULL is styled apart from an empty string, the row count can grow while
 * the user scrolls. Click/shift-click select cells, a row number selects rows, Ctrl/Cmd+C copies them as TSV.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { CellValue } from '../../../protocol/query.js';
import { columnWidths, HEADER_HEIGHT, OVERSCAN, ROW_HEIGHT, ROW_NUMBER_WIDTH, rowWindow } from './grid-geometry.js';
import { rangeOf, selectionToTsv, type Selection } from './grid-selection.js';
import { cellText, type ResultSet, type Row } from './result-set.js';

export function ResultGrid(props: { set: ResultSet; version: number; onCopied?: (what: string) => void }) {
  const { set } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [selection, setSelection] = useState<Selection | null>(null);
  const columns = set.columns;
  // Widths are fixed once the first rows are in, so columns do not jump while rows stream.
  const sampled = set.rowCount > 0;
  const widths = useMemo(() => columnWidths(columns, set), [columns, set, sampled]);
  const totalWidth = ROW_NUMBER_WIDTH + widths.reduce((a, b) => a + b, 0);

  useLayoutEffect(() => {
    const element = scroller.current!;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight - HEADER_HEIGHT));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const win = rowWindow(set.rowCount, scrollTop, viewport);
  const range = selection ? rangeOf(selection) : null;

  function select(row: number, col: number, extend: boolean) {
    setSelection((s) => (extend && s ? { ...s, focusRow: row, focusCol: col } : { anchorRow: row, anchorCol: col, focusRow: row, focusCol: col }));
  }

  function onCellMouseDown(event: MouseEvent, row: number, col: number) {
    if (event.button !== 0) return;
    if (col < 0) {
      const last = columns.length - 1;
      setSelection((s) => (event.shiftKey && s ? { ...s, focusRow: row, focusCol: last } : { anchorRow: row, anchorCol: 0, focusRow: row, focusCol: last }));
    } else select(row, col, event.shiftKey);
    scroller.current?.focus({ preventScroll: true });
  }

  function onKeyDown(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c' && range) {
      event.preventDefault();
      void selectionToTsv(set, range)
        .then((tsv) => navigator.clipboard.writeText(tsv))
        .then(
        () => props.onCopied?.(`${range.bottom - range.top + 1} row(s) copied`),
        () => props.onCopied?.('Copy failed: the browser refused clipboard access'),
      );
      return;
    }
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-20, 0], PageDown: [20, 0] };
    const move = moves[event.key];
    if (!move || set.rowCount === 0) return;
    event.preventDefault();
    const from = selection ?? { anchorRow: 0, anchorCol: 0, focusRow: 0, focusCol: 0 };
    const row = Math.max(0, Math.min(set.rowCount - 1, from.focusRow + move[0]));
    const col = Math.max(0, Math.min(columns.length - 1, from.focusCol + move[1]));
    select(row, col, event.shiftKey);
    const element = scroller.current!;
    const y = row * ROW_HEIGHT;
    if (y < element.scrollTop) element.scrollTop = y;
    else if (y + ROW_HEIGHT > element.scrollTop + viewport) element.scrollTop = y + ROW_HEIGHT - viewport;
  }

  // Rows are keyed by slot (index modulo the window's capacity), so scrolling reuses the row elements that leave
  // the window for those that enter it, and a row whose props did not change (a frame where only the count grew)
  // is skipped by memo: while a million rows stream in, a frame costs the few rows that changed, not the window.
  const capacity = Math.ceil(viewport / ROW_HEIGHT) + 3 + 2 * OVERSCAN;
  const rows = [];
  for (let r = win.first; r <= win.last; r++) {
    // A row not on the page yet is being fetched from the bridge worker; the grid renders again when it arrives.
    const values = set.row(r);
    if (!values) continue;
    const selected = range !== null && r >= range.top && r <= range.bottom;
    rows.push(
      <GridRow
        key={r % capacity}
        index={r}
        values={values}
        top={win.top + (r - win.first) * ROW_HEIGHT}
        width={totalWidth}
        widths={widths}
        selectedFrom={selected ? range.left : -1}
        selectedTo={selected ? range.right : -1}
      />,
    );
  }

  /** One listener for every cell (event delegation): rows carry no handlers, so memo can skip them. */
  function onBodyMouseDown(event: MouseEvent) {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-col]');
    const row = cell?.parentElement?.dataset.row;
    if (!cell || row === undefined) return;
    onCellMouseDown(event, Number(row), Number(cell.dataset.col));
  }

  return (
    <div
      className="grid"
      ref={scroller}
      role="grid"
      aria-rowcount={set.rowCount + 1}
      aria-colcount={columns.length}
      aria-label="Result rows"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="grid-header" role="row" aria-rowindex={1} style={{ width: totalWidth, height: HEADER_HEIGHT }}>
        <div className="grid-rownum" style={{ width: ROW_NUMBER_WIDTH }}>
          #
        </div>
        {columns.map((column, c) => (
          <div className="grid-colhead" role="columnheader" key={c} style={{ width: widths[c] }} title={`${column.name} ${column.type}${column.nullable === false ? ' not null' : ''}`}>
            <span className="col-name">{column.name}</span>
            <span className="col-type">{column.type}</span>
          </div>
        ))}
      </div>
      <div className="grid-body" style={{ height: win.contentHeight, width: totalWidth }} onMouseDown={onBodyMouseDown}>
        {rows}
      </div>
    </div>
  );
}

const GridRow = memo(function GridRow(props: { index: number; values: Row; top: number; width: number; widths: number[]; selectedFrom: number; selectedTo: number }) {
  const { index, values, widths } = props;
  return (
    <div className={index % 2 === 1 ? 'grid-row stripe' : 'grid-row'} role="row" aria-rowindex={index + 2} data-row={index} style={{ top: props.top, width: props.width }}>
      <div className="grid-rownum" role="rowheader" data-col={-1} style={{ width: ROW_NUMBER_WIDTH }}>
        {index + 1}
      </div>
      {widths.map((width, c) => (
        <Cell key={c} col={c} value={values[c]} width={width} selected={c >= props.selectedFrom && c <= props.selectedTo} />
      ))}
    </div>
  );
});

function Cell(props: { col: number; value: CellValue | undefined; width: number; selected: boolean }) {
  const { value } = props;
  const isNull = value === null || value === undefined;
  const className = `grid-cell${isNull ? ' null' : ''}${typeof value === 'number' ? ' num' : ''}${props.selected ? ' selected' : ''}`;
  return (
    <div className={className} role="gridcell" data-col={props.col} style={{ width: props.width }}>
      {isNull ? 'NULL' : cellText(value)}
    </div>
  );
}
