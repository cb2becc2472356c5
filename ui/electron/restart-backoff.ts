/**
 * When to start the bridge again after its utility process died. Quick crashes back off (250 ms doubling to 8 s) so
 * a bridge that cannot start does not spin the CPU; one that ran for a while before dying is a fresh incident and
 * starts over at the shortest delay; after `giveUpAfter` quick crashes in a row the app stops trying and says so (the menu's
 * "Restart bridge" calls reset()).
 */
export interface RestartBackoffOptions {
  delaysMs: readonly number[];
  /** An exit after at least this much uptime starts the count afresh. */
  stableAfterMs: number;
  giveUpAfter: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = {
  delaysMs: [250, 500, 1000, 2000, 4000, 8000],
  stableAfterMs: 30_000,
  giveUpAfter: 8,
};

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; attempts: number };

export class RestartBackoff {
  #quickExits = 0;

  constructor(private readonly opts: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {}

  /** The bridge exited after running `uptimeMs`: restart it (after how long), or give up. */
  afterExit(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.opts.stableAfterMs) this.#quickExits = 0;
    this.#quickExits++;
    if (this.#quickExits > this.opts.giveUpAfter) return { restart: false, attempts: this.#quickExits - 1 };
    const { delaysMs } = this.opts;
    return { restart: true, delayMs: delaysMs[Math.min(this.#quickExits - 1, delaysMs.length - 1)]!, attempt: this.#quickExits };
  }

  reset(): void {
    this.#quickExits = 0;
  }
}
