/**
 * Every open query session, by id, with its owner. A session is visible only to the client that created it;
 * to anyone else it does not exist (SESSION_NOT_FOUND), so ids cannot be probed.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError } from '../../protocol/index.js';
import type { Logger } from '../log/logger.js';
import type { Client, ClientRegistry } from '../rpc/client-registry.js';
import type { HistoryRepo } from '../store/history-repo.js';
import type { ConnectionActor } from './connection.actor.js';
import { SessionActor } from './session.actor.js';

export interface SessionRegistryOptions {
  clients: ClientRegistry;
  history: HistoryRepo;
  log: Logger;
  cancelGraceMs: number;
  idleTimeoutMs: number;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, SessionActor>();

  constructor(private readonly opts: SessionRegistryOptions) {}

  async create(connection: ConnectionActor, client: Client): Promise<SessionActor> {
    const sessionId = `s_${randomUUID()}`;
    const session = new SessionActor({
      sessionId,
      client,
      connection,
      clients: this.opts.clients,
      history: this.opts.history,
      log: this.opts.log.child({ sessionId, connectionId: connection.connectionId }),
      cancelGraceMs: this.opts.cancelGraceMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      onClosed: (id) => this.#sessions.delete(id),
    });
    this.#sessions.set(sessionId, session);
    try {
      await session.open();
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** The session if it exists and belongs to this client. */
  get(sessionId: string, clientId: string): SessionActor {
    const session = this.#sessions.get(sessionId);
    if (!session || session.clientId !== clientId) throw new BridgeError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
    return session;
  }

  all(): SessionActor[] {
    return [...this.#sessions.values()];
  }

  async closeWhere(predicate: (session: SessionActor) => boolean): Promise<void> {
    await Promise.all(this.all().filter(predicate).map((s) => s.close()));
  }
}
