/**
 * The SQL editor of the active tab. One EditorView for the page; each tab keeps its own EditorState (so undo history
 * and cursor survive switching tabs). The view is exposed through `editorHandle` for run commands and error marks.
 */
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { ConnectorType } from '../../../protocol/connections.js';
import type { SchemaMetadata } from '../../../protocol/metadata.js';
import { updateTab } from '../app/tabs-store.js';
import { createEditorState, languageCompartment, languageExtension, type RunKeys } from './editor-setup.js';

const statesByTab = new Map<string, EditorState>();
export const editorHandle: { view: EditorView | null } = { view: null };

export function forgetEditorState(tabId: string): void {
  statesByTab.delete(tabId);
}

export function SqlEditor(props: { tabId: string; initialSql: string; engine: ConnectorType | undefined; metadata: SchemaMetadata | undefined; keys: RunKeys }) {
  const host = useRef<HTMLDivElement>(null);
  const keys = useRef(props.keys);
  keys.current = props.keys;
  const tabId = useRef(props.tabId);

  // Create the single view.
  useEffect(() => {
    const view = new EditorView({ parent: host.current! });
    editorHandle.view = view;
    return () => {
      statesByTab.set(tabId.current, view.state);
      editorHandle.view = null;
      view.destroy();
    };
  }, []);

  // Swap in the active tab's state.
  useEffect(() => {
    const view = editorHandle.view!;
    const id = props.tabId;
    tabId.current = id;
    const stableKeys: RunKeys = { runCurrent: () => keys.current.runCurrent(), runAll: () => keys.current.runAll() };
    const state = statesByTab.get(id) ?? createEditorState(props.initialSql, languageExtension(props.engine, props.metadata), stableKeys, (sql) => updateTab(id, { sql }));
    view.setState(state);
    return () => {
      statesByTab.set(id, view.state);
    };
    // initialSql only seeds a new state; engine and metadata are applied by the effect below.
  }, [props.tabId]);

  // The dialect and completion follow the tab's connection and its metadata.
  useEffect(() => {
    editorHandle.view?.dispatch({ effects: languageCompartment.reconfigure(languageExtension(props.engine, props.metadata)) });
  }, [props.engine, props.metadata, props.tabId]);

  return <div className="sql-editor" ref={host} />;
}
