/** schedule.create / list / update / delete / preview. A cron pattern or time zone that does not parse is INVALID_PARAMS. */
import { BridgeError } from '../../../protocol/index.js';
import { engineOf } from '../../jobs/task-connection.js';
import { defaultTimezone, parseCron } from '../../scheduler/cron.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { SchedulesRepo } from '../../scheduler/schedules-repo.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';

/** As many runs as a saved schedule lists in `upcoming`. */
const UPCOMING_PREVIEW = 5;

export function scheduleHandlers(deps: { repo: ConnectionsRepo; schedules: SchedulesRepo; scheduler: Scheduler }): HandlerTable {
  return {
    'schedule.create': ({ connectionId, cron, options, timezone, misfire, retention }) => {
      engineOf(deps.repo.get(connectionId).type);
      if (options.path !== undefined) throw new BridgeError('INVALID_PARAMS', 'a schedule writes to the backups folder; options.path is not allowed');
      const zone = timezone ?? defaultTimezone();
      parseCron(cron, zone);
      const created = deps.schedules.insert({
        connectionId,
        cron,
        timezone: zone,
        misfire: misfire ?? 'run_once',
        options,
        retention: retention ?? null,
        nextRunAt: deps.scheduler.firstRun(cron, zone),
      });
      deps.scheduler.tick();
      return deps.scheduler.view(created);
    },

    'schedule.list': ({ connectionId }) => deps.schedules.list(connectionId).map((s) => deps.scheduler.view(s)),

    'schedule.update': ({ id, patch }) => {
      const current = deps.schedules.get(id);
      if (patch.options?.path !== undefined) throw new BridgeError('INVALID_PARAMS', 'a schedule writes to the backups folder; options.path is not allowed');
      const next = {
        ...current,
        ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
        ...(patch.misfire !== undefined ? { misfire: patch.misfire } : {}),
        ...(patch.options !== undefined ? { options: patch.options } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.retention !== undefined ? { retention: patch.retention } : {}),
      };
      parseCron(next.cron, next.timezone);
      // A changed rule, or a schedule enabled again, starts from now: runs "missed" while disabled are not owed.
      const retimed = patch.cron !== undefined || patch.timezone !== undefined || (patch.enabled === true && !current.enabled);
      if (retimed) next.nextRunAt = deps.scheduler.firstRun(next.cron, next.timezone);
      const updated = deps.schedules.update(id, next);
      deps.scheduler.tick();
      return deps.scheduler.view(updated);
    },

    'schedule.preview': ({ cron, timezone, count }) => {
      const zone = timezone ?? defaultTimezone();
      return { timezone: zone, runs: deps.scheduler.preview(cron, zone, count ?? UPCOMING_PREVIEW) };
    },

    'schedule.delete': ({ id }) => {
      if (!deps.schedules.delete(id)) throw new BridgeError('INVALID_PARAMS', `No schedule with id ${id}`, { id });
      return {};
    },
  };
}
