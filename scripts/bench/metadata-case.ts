/**
 * Case 3, metadata: `metadata.listSchemas` over the bridge on a 2,000-table schema vs the very same catalog queries
 * run raw in this process, by calling the connector's own getMetadata() (the code the bridge's worker runs), so the
 * difference is the worker hop, the envelope and the WebSocket, not a different query. Both sides are warm: the
 * bridge connection's pool is open and the raw connector has run once.
 */
import type { ConnectionConfig } from '../../protocol/index.js';
import { createMysqlConnector } from '../../workers/connectors/mysql/mysql-connector.js';
import { createPostgresConnector } from '../../workers/connectors/postgres/postgres-connector.js';
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import { mysqlTarget, postgresTarget } from './datasets.js';
import { summarize } from './measure.js';
import { META_DATABASE, META_TABLES, ensureMysqlMetaSchema, ensurePostgresMetaSchema } from './metadata-schema.js';

const MAX_RATIO = 1.2;
const MAX_MS = 2_000;

interface Metadata {
  schemas: Array<{ name: string; tables: unknown[] }>;
}

export async function runMetadataCase(
  ctx: BenchContext,
  kind: 'postgres' | 'mysql',
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<ResultRow> {
  const target = kind === 'postgres' ? postgresTarget(META_DATABASE) : mysqlTarget(META_DATABASE);
  if (!opts.skipMetaSetup) await (kind === 'postgres' ? ensurePostgresMetaSchema(log) : ensureMysqlMetaSchema(log));
  const config = target.config as unknown as ConnectionConfig;
  const connector = kind === 'postgres' ? createPostgresConnector(config) : createMysqlConnector(config);
  const connectionId = await ctx.connectionFor(target);
  const viaBridge = async (): Promise<number> => {
    const started = performance.now();
    const data = await ctx.client.call<Metadata>('metadata.listSchemas', { connectionId });
    const ms = performance.now() - started;
    checkTableCount(data, `bridge ${kind}`);
    return ms;
  };
  const raw = async (): Promise<number> => {
    const started = performance.now();
    // Serialized like the worker must, so raw pays for producing the JSON a client would receive.
    const json = JSON.stringify(await connector.getMetadata());
    const ms = performance.now() - started;
    checkTableCount(JSON.parse(json) as Metadata, `raw ${kind}`);
    return ms;
  };
  try {
    await raw();
    await viaBridge();
    const bridgeMs: number[] = [];
    const rawMs: number[] = [];
    for (let rep = 0; rep < opts.metadataReps; rep++) {
      rawMs.push(await raw());
      bridgeMs.push(await viaBridge());
    }
    const bridge = summarize(bridgeMs);
    const rawT = summarize(rawMs);
    const ratio = bridge.median / rawT.median;
    log(`  ${kind}: metadata bridge ${bridge.median.toFixed(0)} ms, raw ${rawT.median.toFixed(0)} ms`);
    return {
      case: `metadata.listSchemas, ${META_TABLES.toLocaleString('en-US')} tables`,
      db: kind,
      bridge: `${bridge.median.toFixed(0)} ms`,
      raw: `${rawT.median.toFixed(0)} ms`,
      ratio: `${ratio.toFixed(2)}×`,
      target: `≤ ${MAX_RATIO}× and < ${MAX_MS / 1000} s`,
      met: ratio <= MAX_RATIO && bridge.median < MAX_MS,
      spread: `bridge ${bridge.min.toFixed(0)}–${bridge.max.toFixed(0)}, raw ${rawT.min.toFixed(0)}–${rawT.max.toFixed(0)} ms`,
    };
  } finally {
    await connector.close();
  }
}

function checkTableCount(data: Metadata, side: string): void {
  const tables = data.schemas.reduce((n, schema) => n + schema.tables.length, 0);
  if (tables < META_TABLES) throw new Error(`${side} metadata listed ${tables} tables, expected ${META_TABLES}`);
}
