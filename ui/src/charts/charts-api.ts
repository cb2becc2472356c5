/** Saved charts over the bridge (docs/api.md "chart.save", "chart.list", "chart.delete"). */
import type { ChartSpec, SavedChart } from '../../../protocol/charts.js';
import { bridge } from '../bridge/bridge.js';

export function saveChart(chart: { name: string; connectionId: string; sql: string; spec: ChartSpec; id?: string }): Promise<SavedChart> {
  return bridge.client.call('chart.save', chart);
}

export function listCharts(connectionId?: string): Promise<SavedChart[]> {
  return bridge.client.call('chart.list', connectionId === undefined ? {} : { connectionId });
}

export async function deleteChart(id: string): Promise<void> {
  await bridge.client.call('chart.delete', { id });
}
