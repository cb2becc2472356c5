/**
 * Where a transport meets the router: a new client is registered, each message it sends is routed, and the answer
 * (if one is owed) goes back on the same transport. The bridge serves every client this way, and the tests serve
 * an in-memory or a real transport the same way.
 */
import type { Logger } from '../log/logger.js';
import { OVERSIZED_MESSAGE, type Transport } from '../transports/transport.js';
import type { Client, ClientRegistry } from './client-registry.js';
import type { Router } from './router.js';

export function serveTransport(transport: Transport, deps: { router: Router; clients: ClientRegistry; log: Logger }): Client {
  const { router, clients, log } = deps;
  const client = clients.add(transport);
  log.debug({ clientId: client.id, transport: transport.kind }, 'client connected');
  transport.onMessage((message) => {
    if (message === OVERSIZED_MESSAGE) {
      transport.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request: message larger than 16 MiB' } }));
      return;
    }
    router.handle(message, { client }).then(
      (answer) => answer !== undefined && transport.send(answer),
      (error: unknown) => log.error({ err: error }, 'router failed'),
    );
  });
  return client;
}
