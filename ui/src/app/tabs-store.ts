/**
 * The editor tabs: their SQL and connection, persisted to localStorage on every change (debounced) so unsaved tabs
 * survive a reload. Each tab's query session and results live in tab-runtime.ts, not here: they do not survive.
 */
import { useSyncExternalStore } from 'react';
import { Store } from '../bridge/store.js';

export interface TabDoc {
  id: string;
  title: string;
  connectionId: string | null;
  sql: string;
}

export interface TabsState {
  tabs: TabDoc[];
  activeId: string;
}

const KEY = 'dbv.tabs';
let counter = 0;

function newId(): string {
  return `t${Date.now().toString(36)}${(counter++).toString(36)}`;
}

export function newTab(connectionId: string | null, sql = '', title?: string): TabDoc {
  return { id: newId(), title: title ?? 'Query', connectionId, sql };
}

function load(): TabsState {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as TabsState | null;
    if (saved && Array.isArray(saved.tabs) && saved.tabs.length > 0) {
      const activeId = saved.tabs.some((t) => t.id === saved.activeId) ? saved.activeId : saved.tabs[0].id;
      return { tabs: saved.tabs, activeId };
    }
  } catch {
    /* a corrupt entry starts fresh */
  }
  const first = newTab(null);
  return { tabs: [first], activeId: first.id };
}

export const tabs = new Store<TabsState>(load());

let saveTimer: ReturnType<typeof setTimeout> | undefined;
tabs.subscribe(() => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => localStorage.setItem(KEY, JSON.stringify(tabs.get())), 200);
});
window.addEventListener('pagehide', () => localStorage.setItem(KEY, JSON.stringify(tabs.get())));

export function useTabs(): TabsState {
  return useSyncExternalStore(tabs.subscribe, tabs.get);
}

export function activeTab(): TabDoc {
  const state = tabs.get();
  return state.tabs.find((t) => t.id === state.activeId)!;
}

export function updateTab(id: string, change: Partial<Omit<TabDoc, 'id'>>): void {
  tabs.update((s) => ({ ...s, tabs: s.tabs.map((t) => (t.id === id ? { ...t, ...change } : t)) }));
}

export function openTab(tab: TabDoc): void {
  tabs.update((s) => ({ tabs: [...s.tabs, tab], activeId: tab.id }));
}

export function selectTab(id: string): void {
  tabs.update((s) => ({ ...s, activeId: id }));
}

/** Closes a tab; the last one is replaced by an empty tab on the same connection. */
export function closeTab(id: string): void {
  tabs.update((s) => {
    const index = s.tabs.findIndex((t) => t.id === id);
    if (index < 0) return s;
    const rest = s.tabs.filter((t) => t.id !== id);
    if (rest.length === 0) {
      const fresh = newTab(s.tabs[index].connectionId);
      return { tabs: [fresh], activeId: fresh.id };
    }
    const activeId = s.activeId === id ? rest[Math.min(index, rest.length - 1)].id : s.activeId;
    return { tabs: rest, activeId };
  });
}
