/**
 * The clock the actors give their machines: XState's `after` delays on timers that do not keep the process alive on
 * their own (an idle session's timeout, a ready worker's stability period). Tests give a SimulatedClock instead.
 */
export const UNREF_CLOCK = {
  setTimeout: (fn: () => void, ms: number): NodeJS.Timeout => setTimeout(fn, ms).unref(),
  clearTimeout: (id: NodeJS.Timeout): void => clearTimeout(id),
};
