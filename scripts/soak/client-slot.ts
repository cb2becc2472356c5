/**
 * One simulated user: a client connection (replaced by a new one after a disconnect), the query sessions it keeps
 * open like editor tabs, and its own stream of random numbers.
 */
import type { BackupDoneEvent } from '../../protocol/index.js';
import type { SeededRandom } from './random.js';
import { SoakClient } from './soak-client.js';
import type { ConnectionKey, Soak } from './soak-context.js';

export class ClientSlot {
  readonly #sessions = new Map<ConnectionKey, string>();
  readonly #jobEnds = new Map<string, BackupDoneEvent>();
  readonly #jobWaiters = new Map<string, (event: BackupDoneEvent) => void>();
  #generation = 0;
  /** The connection the current action works on (a WORKER_CRASHED from one the soak kills is expected). */
  target: ConnectionKey | undefined;

  constructor(
    readonly soak: Soak,
    readonly random: SeededRandom,
    public client: SoakClient,
  ) {
    this.#watchJobs();
  }

  get name(): string {
    return this.client.name;
  }

  /** The slot's session on a connection, opened on first use and kept until the next quiet point. */
  async session(key: ConnectionKey): Promise<string> {
    const open = this.#sessions.get(key);
    if (open) return open;
    const { sessionId } = await this.client.bridge.call('query.createSession', { connectionId: this.soak.connectionId(key) });
    this.soak.stats.sessionsOpened++;
    this.#sessions.set(key, sessionId);
    return sessionId;
  }

  /** Forgets a session (it was closed, or its client is gone). */
  dropSession(key: ConnectionKey): void {
    this.#sessions.delete(key);
  }

  async closeSession(key: ConnectionKey): Promise<void> {
    const sessionId = this.#sessions.get(key);
    this.#sessions.delete(key);
    if (sessionId && !this.client.closed) await this.client.bridge.call('query.closeSession', { sessionId });
  }

  async closeSessions(): Promise<void> {
    const open = [...this.#sessions.entries()];
    this.#sessions.clear();
    if (this.client.closed) return;
    for (const [key, sessionId] of open) {
      await this.client.bridge.call('query.closeSession', { sessionId }).catch((error: unknown) => {
        this.soak.report('sessions close', `${this.name}: query.closeSession of its ${key} session failed: ${String(error)}`);
      });
    }
  }

  /** After a disconnect: a new client over the same transport (a WebSocket; stdio never disconnects). */
  async reconnect(): Promise<void> {
    this.#sessions.clear();
    const base = this.name.replace(/#\d+$/, '');
    this.client = await SoakClient.websocket(`${base}#${++this.#generation}`, this.soak.bridge.url, this.soak.bridge.token, this.client.hooks);
    this.#watchJobs();
  }

  /** Resolves with the job's backup.done (every client receives job events). */
  jobEnd(jobId: string): Promise<BackupDoneEvent> {
    const seen = this.#jobEnds.get(jobId);
    if (seen) {
      this.#jobEnds.delete(jobId);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.#jobWaiters.set(jobId, resolve));
  }

  #watchJobs(): void {
    this.client.bridge.on('backup.done', (event) => {
      const waiter = this.#jobWaiters.get(event.jobId);
      if (waiter) {
        this.#jobWaiters.delete(event.jobId);
        waiter(event);
      } else {
        // It may end before backup.create's answer reached its starter: keep the latest few.
        this.#jobEnds.set(event.jobId, event);
        if (this.#jobEnds.size > 50) this.#jobEnds.delete(this.#jobEnds.keys().next().value!);
      }
    });
  }
}
