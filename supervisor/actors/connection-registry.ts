/** One ConnectionActor per saved connection that has been used, created on first use. */
import type { ConnectionConfig, ConnectorStatusEvent } from '../../protocol/index.js';
import type { WorkerSettings } from '../../workers/worker-messages.js';
import type { Logger } from '../log/logger.js';
import { ConnectionActor } from './connection.actor.js';

export interface ConnectionRegistryOptions {
  loadConfig: (connectionId: string) => Promise<ConnectionConfig>;
  emitStatus: (event: ConnectorStatusEvent) => void;
  log: Logger;
  /** Given to every worker at init (e.g. where the pinned SSH host keys are). */
  workerSettings?: WorkerSettings;
}

export class ConnectionRegistry {
  readonly #actors = new Map<string, ConnectionActor>();

  constructor(private readonly opts: ConnectionRegistryOptions) {}

  /** The actor of a saved connection (the caller has checked that it exists). */
  actorFor(connectionId: string): ConnectionActor {
    let actor = this.#actors.get(connectionId);
    if (!actor) {
      actor = new ConnectionActor({
        connectionId,
        loadConfig: () => this.opts.loadConfig(connectionId),
        emitStatus: this.opts.emitStatus,
        log: this.opts.log,
        ...(this.opts.workerSettings ? { workerSettings: this.opts.workerSettings } : {}),
      });
      this.#actors.set(connectionId, actor);
    }
    return actor;
  }

  existing(connectionId: string): ConnectionActor | undefined {
    return this.#actors.get(connectionId);
  }

  all(): ConnectionActor[] {
    return [...this.#actors.values()];
  }

  async close(connectionId: string): Promise<void> {
    const actor = this.#actors.get(connectionId);
    this.#actors.delete(connectionId);
    await actor?.close();
  }

  async closeAll(): Promise<void> {
    const actors = this.all();
    this.#actors.clear();
    await Promise.all(actors.map((a) => a.close()));
  }
}
