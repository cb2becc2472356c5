/**
 * The connected clients and event fan-out. Session events go to the session's owner only; job, schedule and
 * connector events go to every client (docs/api.md "Events").
 */
import { randomUUID } from 'node:crypto';
import type { EventByName, EventName } from '../../protocol/index.js';
import type { EventParamsOf } from '../../protocol/descriptor.js';
import type { Transport } from '../transports/transport.js';

export interface Client {
  readonly id: string;
  readonly transport: Transport;
  /** Subscribes to the transport's drain (buffer back under the low-water mark); returns the unsubscribe. */
  onDrain(listener: () => void): () => void;
}

export class ClientRegistry {
  readonly #clients = new Map<string, Client>();
  readonly #closeListeners = new Set<(client: Client) => void>();

  add(transport: Transport): Client {
    const drainListeners = new Set<() => void>();
    transport.onDrain(() => {
      for (const listener of drainListeners) listener();
    });
    const client: Client = {
      id: `client_${randomUUID().slice(0, 8)}`,
      transport,
      onDrain(listener) {
        drainListeners.add(listener);
        return () => drainListeners.delete(listener);
      },
    };
    this.#clients.set(client.id, client);
    transport.onClose(() => {
      this.#clients.delete(client.id);
      for (const listener of this.#closeListeners) listener(client);
    });
    return client;
  }

  get(id: string): Client | undefined {
    return this.#clients.get(id);
  }

  all(): Client[] {
    return [...this.#clients.values()];
  }

  onClientClosed(listener: (client: Client) => void): void {
    this.#closeListeners.add(listener);
  }

  /** Sends an event to every connected client. */
  broadcast<N extends EventName>(event: N, params: EventParamsOf<EventByName<N>>): void {
    const text = notification(event, JSON.stringify(params));
    for (const client of this.#clients.values()) client.transport.send(text);
  }

  /** Sends an event to one client; dropped if that client is gone. */
  sendTo<N extends EventName>(clientId: string, event: N, params: EventParamsOf<EventByName<N>>): void {
    this.sendRawTo(clientId, event, JSON.stringify(params));
  }

  /** Hot path: `paramsJson` was serialized once in the worker and is spliced in unparsed (docs/architecture.md, "A query, from RPC to driver and back"). */
  sendRawTo(clientId: string, event: EventName, paramsJson: string): void {
    this.#clients.get(clientId)?.transport.send(notification(event, paramsJson));
  }

  closeAll(reason: string): void {
    for (const client of this.#clients.values()) client.transport.close(reason);
  }
}

function notification(method: string, paramsJson: string): string {
  return `{"jsonrpc":"2.0","method":"${method}","params":${paramsJson}}`;
}
