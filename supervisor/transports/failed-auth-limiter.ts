export interface FailedAuthLimits {
  /** Failures allowed per window before the address is blocked. */
  maxFailures: number;
  windowMs: number;
  /** How long a blocked address is refused (429), whatever token it brings. */
  blockMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { maxFailures: 20, windowMs: 60_000, blockMs: 60_000 };

interface Entry {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

/** Above this many tracked addresses, stale entries are swept so a flood of sources cannot grow the map forever. */
const SWEEP_ABOVE = 1024;

/**
 * Counts failed token attempts per remote address in fixed windows and blocks an address that exceeds the limit.
 * A blocked address is refused even with the right token: otherwise the answer would still tell a guesser when it
 * hit. (On loopback every local process shares 127.0.0.1, so a local guesser can lock the UI out for `blockMs`; the
 * token's 256 bits make guessing hopeless anyway — this bounds the noise, it is not the protection.)
 */
export class FailedAuthLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  isBlocked(address: string): boolean {
    const entry = this.#entries.get(address);
    return entry !== undefined && entry.blockedUntil > this.now();
  }

  recordFailure(address: string): void {
    const now = this.now();
    let entry = this.#entries.get(address);
    if (!entry || now - entry.windowStart >= this.limits.windowMs) {
      entry = { windowStart: now, failures: 0, blockedUntil: entry?.blockedUntil ?? 0 };
      this.#entries.set(address, entry);
    }
    entry.failures += 1;
    if (entry.failures >= this.limits.maxFailures) entry.blockedUntil = now + this.limits.blockMs;
    if (this.#entries.size > SWEEP_ABOVE) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [address, entry] of this.#entries) {
      if (entry.blockedUntil <= now && now - entry.windowStart >= this.limits.windowMs) this.#entries.delete(address);
    }
  }
}
