/**
 * Server health of one connection's pool, shared by the pooled connectors: it turns many failures into one 'lost'
 * and, after probing until the server answers again, one 'recovered'.
 *
 * 'lost' is only reported once the pool has been healthy (a connection succeeded): a server that never answered is
 * the caller's connect error, not a loss. While lost, a probe (a fresh connection and `SELECT 1`, under the connect
 * timeout) runs after 1 s, then backs off to every 5 s; any connection that succeeds meanwhile also recovers.
 */
import type { HealthEvent, HealthListener } from './connector.js';

export const FIRST_PROBE_DELAY_MS = 1_000;
export const MAX_PROBE_DELAY_MS = 5_000;

type HealthState = 'unknown' | 'healthy' | 'lost';

export interface HealthMonitorOptions {
  /** Connects afresh and runs a trivial statement; rejects while the server cannot be used. */
  probe: () => Promise<void>;
  /** Scrubbed from every reason, in case a driver ever echoes it. */
  secret?: string;
  firstProbeDelayMs?: number;
  maxProbeDelayMs?: number;
}

export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  readonly #listeners = new Set<HealthListener>();
  #state: HealthState = 'unknown';
  #timer: NodeJS.Timeout | null = null;
  #nextDelayMs: number;
  #closed = false;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#nextDelayMs = options.firstProbeDelayMs ?? FIRST_PROBE_DELAY_MS;
  }

  subscribe(listener: HealthListener): void {
    this.#listeners.add(listener);
  }

  /** A connection to the server succeeded. */
  connected(): void {
    if (this.#closed) return;
    if (this.#state === 'lost') this.#recover('The database server answers again');
    else this.#state = 'healthy';
  }

  /** A connection-level failure (an idle connection died, or a new one could not be made). */
  lost(reason: string, code?: string): void {
    if (this.#closed || this.#state !== 'healthy') return;
    this.#state = 'lost';
    this.#nextDelayMs = this.#options.firstProbeDelayMs ?? FIRST_PROBE_DELAY_MS;
    this.#emit({ state: 'lost', reason: this.#scrub(reason), ...(code ? { code } : {}) });
    this.#scheduleProbe();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
  }

  #recover(reason: string): void {
    this.#state = 'healthy';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#emit({ state: 'recovered', reason });
  }

  #scheduleProbe(): void {
    const delay = this.#nextDelayMs;
    this.#nextDelayMs = Math.min(delay * 2, this.#options.maxProbeDelayMs ?? MAX_PROBE_DELAY_MS);
    // Unref'd: a probe pending must not keep a worker (or a test process) alive.
    this.#timer = setTimeout(() => void this.#runProbe(), delay);
    this.#timer.unref();
  }

  async #runProbe(): Promise<void> {
    this.#timer = null;
    let ok = false;
    try {
      await this.#options.probe();
      ok = true;
    } catch {
      // Still down: the next probe comes later.
    }
    if (this.#closed || this.#state !== 'lost') return;
    if (ok) this.#recover('The database server answers again');
    else this.#scheduleProbe();
  }

  #emit(event: HealthEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear about it.
      }
    }
  }

  #scrub(reason: string): string {
    const secret = this.#options.secret;
    return secret && secret.length > 0 ? reason.split(secret).join('***') : reason;
  }
}
