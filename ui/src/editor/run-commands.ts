/**
 * Run commands of the active tab: the selection or the statement under the cursor (Ctrl/Cmd+Enter), or everything
 * (Ctrl/Cmd+Shift+Enter). A failed run with a position marks that spot in the editor.
 */
import { activeTab } from '../app/tabs-store.js';
import { sessionFor } from '../app/tab-runtime.js';
import { connectionById } from '../connections/connections-store.js';
import { markErrorAt } from './error-mark.js';
import { errorOffsetInEditor } from './error-position.js';
import { editorHandle } from './SqlEditor.js';
import { statementAt, wholeDocument, type SqlSpan } from './statements.js';

export type RunScope = 'current' | 'all';

export async function runActiveTab(scope: RunScope): Promise<void> {
  const tab = activeTab();
  const view = editorHandle.view;
  if (!view || !tab.connectionId) return;
  const doc = view.state.doc.toString();
  const engine = connectionById(tab.connectionId)?.type;
  const selection = view.state.selection.main;
  let span: SqlSpan | undefined;
  if (scope === 'all') span = wholeDocument(doc);
  else if (!selection.empty) span = { sql: doc.slice(selection.from, selection.to), from: selection.from, to: selection.to };
  else span = statementAt(doc, selection.head, engine);
  if (!span || !span.sql.trim()) return;

  const session = sessionFor(tab.id);
  await session.run(tab.connectionId, span.sql, span.from);
  const result = session.current.get();
  if (!result) return;
  const off = result.subscribe(() => {
    const offset = errorOffsetInEditor(result.error?.details, { sql: result.sql, sqlOffset: result.sqlOffset, dialect: engine ?? 'postgres' });
    if (offset !== undefined && editorHandle.view && activeTab().id === tab.id) {
      off();
      markErrorAt(editorHandle.view, offset);
    } else if (!result.running) off();
  });
  result.changed();
}
