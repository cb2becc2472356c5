/** What the soak counts while it runs, and every invariant violation it saw (the run fails on the first one). */
export interface Violation {
  atSec: number;
  invariant: string;
  detail: string;
}

export class SoakStats {
  readonly startedAt = Date.now();
  runs = 0;
  rows = 0;
  cancels = 0;
  disconnects = 0;
  sessionsOpened = 0;
  /** Sessions or runs refused with WORKER_CRASHED because the soak was killing that worker (expected). */
  refusedByCrash = 0;
  phases = 0;
  readonly actions = new Map<string, number>();
  readonly faults = new Map<string, number>();
  /** Jobs by final status (success, failed, cancelled…). */
  readonly jobs = new Map<string, number>();
  readonly violations: Violation[] = [];
  /**
   * Runs that ended WORKER_CRASHED on a connection the soak never kills: a violation, unless the bridge's log shows it
   * killed that worker itself because a cancelled driver did not stop in time (see soak-runner.ts, settleSuspects).
   */
  readonly suspects: Array<{ at: number; connectionId: string; invariant: string; detail: string }> = [];
  /** Runs ended by such a kill: the cancel of another run on the same connection escalated to the worker. */
  collateralOfCancelKill = 0;

  count(map: Map<string, number>, key: string, by = 1): void {
    map.set(key, (map.get(key) ?? 0) + by);
  }

  violation(invariant: string, detail: string): void {
    this.violations.push({ atSec: Math.round((Date.now() - this.startedAt) / 1000), invariant, detail });
  }

  total(map: Map<string, number>): number {
    let sum = 0;
    for (const value of map.values()) sum += value;
    return sum;
  }
}
