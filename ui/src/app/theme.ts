/** Light and dark themes: CSS variables keyed on <html data-theme>, the choice kept in localStorage. */
import { useSyncExternalStore } from 'react';
import { Store } from '../bridge/store.js';

export type Theme = 'light' | 'dark';
const KEY = 'dbv.theme';

function initial(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const theme = new Store<Theme>(initial());

function apply(): void {
  document.documentElement.dataset.theme = theme.get();
}
apply();
theme.subscribe(() => {
  apply();
  localStorage.setItem(KEY, theme.get());
});

export function useTheme(): Theme {
  return useSyncExternalStore(theme.subscribe, theme.get);
}

export function toggleTheme(): void {
  theme.update((t) => (t === 'light' ? 'dark' : 'light'));
}
