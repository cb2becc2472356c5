/** Result settings the user can change; kept in localStorage. */
import { Store } from '../bridge/store.js';

export interface ResultSettings {
  /** Rows pulled automatically before the grid stops and offers "Load more"; 0 streams everything. */
  rowLimit: number;
}

const KEY = 'dbv.resultSettings';
export const ROW_LIMIT_CHOICES = [1_000, 10_000, 100_000, 1_000_000, 0] as const;

function load(): ResultSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ResultSettings>;
    return { rowLimit: typeof saved.rowLimit === 'number' ? saved.rowLimit : 10_000 };
  } catch {
    return { rowLimit: 10_000 };
  }
}

export const resultSettings = new Store<ResultSettings>(load());
resultSettings.subscribe(() => localStorage.setItem(KEY, JSON.stringify(resultSettings.get())));
