/**
 * Whether a tab's results show the chart instead of the grid, with which spec, and which saved chart (if any) it
 * is. Kept per query session (so per tab) and, like the session, not across a reload; saved charts live in the
 * bridge (charts-api.ts).
 */
import { useSyncExternalStore } from 'react';
import type { ChartSpec } from '../../../protocol/charts.js';
import { Store } from '../bridge/store.js';

export interface ChartState {
  open: boolean;
  spec: ChartSpec | null;
  saved: { id: string; name: string } | null;
}

const states = new WeakMap<object, Store<ChartState>>();

export function chartStateOf(session: object): Store<ChartState> {
  let state = states.get(session);
  if (!state) states.set(session, (state = new Store<ChartState>({ open: false, spec: null, saved: null })));
  return state;
}

export function useChartState(session: object): ChartState {
  const store = chartStateOf(session);
  return useSyncExternalStore(store.subscribe, store.get);
}
