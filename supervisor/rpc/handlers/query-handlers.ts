/** query.* and metadata.* and history.list — everything that reaches a connection's worker. */
import { DEFAULT_BATCH_SIZE, type SchemaMetadata } from '../../../protocol/index.js';
import type { ConnectionRegistry } from '../../actors/connection-registry.js';
import type { SessionRegistry } from '../../actors/session-registry.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HistoryRepo } from '../../store/history-repo.js';
import { RawJson } from '../raw-json.js';
import type { HandlerTable } from '../router.js';

export interface QueryHandlerDeps {
  repo: ConnectionsRepo;
  connections: ConnectionRegistry;
  sessions: SessionRegistry;
  history: HistoryRepo;
}

export function queryHandlers({ repo, connections, sessions, history }: QueryHandlerDeps): HandlerTable {
  const workerOf = async (connectionId: string) => {
    repo.get(connectionId);
    return (await connections.actorFor(connectionId).use()).worker;
  };

  return {
    // Serialized once in the worker and spliced into the response: metadata of thousands of tables is large, and
    // cloning it into the supervisor only to stringify it again would block the event loop for tens of ms.
    'metadata.listSchemas': async ({ connectionId }) =>
      new RawJson<SchemaMetadata>(await (await workerOf(connectionId)).api.listSchemasJson()),

    'metadata.tableInfo': async ({ connectionId, tableName, schema }) => (await workerOf(connectionId)).api.tableInfo(tableName, schema),

    'query.createSession': async ({ connectionId }, { client }) => {
      repo.get(connectionId);
      const session = await sessions.create(connections.actorFor(connectionId), client);
      return { sessionId: session.sessionId };
    },

    'query.run': ({ sessionId, sql, opts }, { client }) =>
      sessions.get(sessionId, client.id).run(sql, { batchSize: DEFAULT_BATCH_SIZE, mode: 'stream', rowFormat: 'object', ...opts }),

    'query.cancel': async ({ sessionId }, { client }) => ({ cancelled: await sessions.get(sessionId, client.id).cancel() }),

    'query.fetchMore': ({ sessionId, cursorToken }, { client }) => sessions.get(sessionId, client.id).fetchMore(cursorToken),

    'query.closeSession': async ({ sessionId }, { client }) => {
      await sessions.get(sessionId, client.id).close();
      return {};
    },

    'history.list': ({ connectionId, limit }) => history.list(connectionId, limit),
  };
}
