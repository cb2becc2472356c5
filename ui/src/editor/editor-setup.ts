/**
 * The CodeMirror 6 extensions of the SQL editor, as values: the dialect of the tab's engine with completion from
 * the connection's metadata (in a Compartment, swapped when either changes), the run keys, and a theme drawn from
 * the page's CSS variables so light and dark need no second theme.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { MySQL, PostgreSQL, SQLite, sql, StandardSQL, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { ConnectorType } from '../../../protocol/connections.js';
import type { SchemaMetadata } from '../../../protocol/metadata.js';
import { errorMarkExtension } from './error-mark.js';

export const languageCompartment = new Compartment();

export interface RunKeys {
  runCurrent: () => void;
  runAll: () => void;
}

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-number)' },
  { tag: [tags.lineComment, tags.blockComment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--syntax-type)' },
  { tag: tags.operator, color: 'var(--syntax-operator)' },
  { tag: [tags.special(tags.name)], color: 'var(--syntax-name)' },
]);

const theme = EditorView.theme({
  '&.cm-focused': { outline: 'none' },
  '&': { height: '100%', fontSize: '13px', backgroundColor: 'var(--editor-bg)', color: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--accent)' },
  '.cm-error-mark': { textDecoration: 'underline wavy var(--danger)', backgroundColor: 'var(--danger-soft)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'white' },
});

export function dialectFor(engine: ConnectorType | undefined) {
  return engine === 'postgres' ? PostgreSQL : engine === 'mysql' ? MySQL : engine === 'sqlite' ? SQLite : StandardSQL;
}

/** Completion namespace: schema → table → columns, plus the default schema's tables at the top level. */
export function completionSchema(metadata: SchemaMetadata | undefined): { schema: SQLNamespace; defaultSchema?: string } {
  if (!metadata) return { schema: {} };
  const schema: Record<string, Record<string, string[]>> = {};
  for (const s of metadata.schemas) {
    const tables: Record<string, string[]> = {};
    for (const t of [...s.tables, ...s.views]) tables[t.name] = t.columns.map((c) => c.name);
    schema[s.name] = tables;
  }
  const names = metadata.schemas.map((s) => s.name);
  const defaultSchema = ['public', 'main', metadata.database].find((n) => names.includes(n)) ?? names[0];
  return { schema, defaultSchema };
}

export function languageExtension(engine: ConnectorType | undefined, metadata: SchemaMetadata | undefined): Extension {
  return sql({ dialect: dialectFor(engine), ...completionSchema(metadata) });
}

export function createEditorState(doc: string, language: Extension, keys: RunKeys, onChange: (doc: string) => void): EditorState {
  return EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      autocompletion({ activateOnTyping: true }),
      highlightActiveLine(),
      highlightSelectionMatches(),
      syntaxHighlighting(highlight),
      placeholder('Write SQL here — Ctrl+Enter runs the statement under the cursor, Ctrl+Shift+Enter runs everything'),
      keymap.of([
        { key: 'Mod-Enter', run: () => (keys.runCurrent(), true), preventDefault: true },
        { key: 'Shift-Mod-Enter', run: () => (keys.runAll(), true), preventDefault: true },
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...completionKeymap,
        indentWithTab,
      ]),
      languageCompartment.of(language),
      errorMarkExtension,
      theme,
      EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
}
