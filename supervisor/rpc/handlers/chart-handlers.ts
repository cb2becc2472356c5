/** chart.* — saved charts in app.db (docs/api.md "chart.save"). */
import type { ChartsRepo } from '../../store/charts-repo.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';

export function chartHandlers({ repo, charts }: { repo: ConnectionsRepo; charts: ChartsRepo }): HandlerTable {
  return {
    'chart.save': ({ id, name, connectionId, sql, spec }) => {
      repo.get(connectionId); // CONNECTION_NOT_FOUND before the foreign key would refuse it without a code
      return charts.save({ name, connectionId, sql, spec }, id);
    },
    'chart.list': ({ connectionId }) => charts.list(connectionId),
    'chart.delete': ({ id }) => {
      charts.delete(id);
      return {};
    },
  };
}
