/**
 * A connector with no database behind it, for fault injection: tests and the supervisor's
 * `--enable-fault-injection` drive crashes, hangs, errors and slow streams through the real worker machinery.
 * The command language is in faulty-commands.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, isErrorCode } from '../../../protocol/errors.js';
import type { ColumnMeta, ConnectionConfig, SchemaMetadata, TableInfo } from '../../../protocol/index.js';
import type { Connector, ConnectorRunOptions, RowBatch } from '../connector.js';
import { parseFaultyScript, type FaultyCommand } from './faulty-commands.js';

const ROW_COLUMNS: ColumnMeta[] = [
  { name: 'i', type: 'int', nullable: false },
  { name: 's', type: 'text', nullable: true },
];

const ITEMS_TABLE: TableInfo = {
  schema: 'main',
  name: 'items',
  kind: 'table',
  rowEstimate: 0,
  comment: 'fault-injection fixture',
  columns: [
    { name: 'i', type: 'int', nullable: false, default: null, primaryKey: true, comment: null, ordinal: 1 },
    { name: 's', type: 'text', nullable: true, default: null, primaryKey: false, comment: null, ordinal: 2 },
  ],
  indexes: [{ name: 'items_pkey', columns: ['i'], unique: true, primary: true, method: null }],
  foreignKeys: [],
};

/** Heap kept alive on purpose by `leak` and `oom`. */
const leaked: number[][] = [];

/** What a script can change about its connector for the rest of the worker's life. */
interface FaultyBehaviour {
  /** Set by `noclose`: close() never settles, so only killing the worker stops it. */
  closeNeverAnswers: boolean;
}

/**
 * `config.extra.delayMs` makes testConnection, getMetadata and tableInfo take that long: a call that is still pending
 * when a test kills the worker.
 */
export function createFaultyConnector(config: ConnectionConfig): Connector {
  /** sessionId → the "server-side" abort of its current run (null while idle). */
  const sessions = new Map<string, AbortController | null>();
  const behaviour: FaultyBehaviour = { closeNeverAnswers: false };
  const delayMs = typeof config.extra?.delayMs === 'number' ? config.extra.delayMs : 0;
  const answerDelay = (): Promise<void> => (delayMs > 0 ? sleep(delayMs) : Promise.resolve());

  return {
    type: 'faulty',
    async testConnection() {
      await answerDelay();
      return { ok: true, message: `faulty connector "${config.name}"`, serverVersion: 'faulty 1.0', latencyMs: 0 };
    },
    async getMetadata(): Promise<SchemaMetadata> {
      await answerDelay();
      return {
        database: config.database ?? 'faulty',
        serverVersion: 'faulty 1.0',
        schemas: [{ name: 'main', tables: [ITEMS_TABLE], views: [], routines: [] }],
      };
    },
    async tableInfo(tableName: string, schema?: string): Promise<TableInfo> {
      await answerDelay();
      if (tableName === ITEMS_TABLE.name && (schema === undefined || schema === ITEMS_TABLE.schema)) return ITEMS_TABLE;
      throw new BridgeError('QUERY_FAILED', `faulty: no table ${schema ? `${schema}.` : ''}${tableName}`, { tableName, schema });
    },
    async openSession(sessionId: string) {
      if (!sessions.has(sessionId)) sessions.set(sessionId, null);
    },
    runQuery(sessionId: string, sql: string, opts: ConnectorRunOptions): AsyncIterable<RowBatch> {
      if (!sessions.has(sessionId)) throw new BridgeError('SESSION_NOT_FOUND', `No session ${sessionId}`, { sessionId });
      return runScript(sessions, behaviour, sessionId, sql, opts);
    },
    async cancel(sessionId: string) {
      const running = sessions.get(sessionId);
      if (!running) return false;
      running.abort(new BridgeError('QUERY_CANCELLED', 'faulty: cancelled on the "server"'));
      return true;
    },
    async closeSession(sessionId: string) {
      sessions.get(sessionId)?.abort(new BridgeError('QUERY_CANCELLED', 'faulty: session closed'));
      sessions.delete(sessionId);
    },
    poolStats: () => ({ total: sessions.size, idle: [...sessions.values()].filter((run) => run === null).length, waiting: 0 }),
    async close() {
      if (behaviour.closeNeverAnswers) return new Promise<never>(() => undefined);
      for (const run of sessions.values()) run?.abort(new BridgeError('QUERY_CANCELLED', 'faulty: connector closed'));
      sessions.clear();
    },
  };
}

async function* runScript(
  sessions: Map<string, AbortController | null>,
  behaviour: FaultyBehaviour,
  sessionId: string,
  sql: string,
  opts: ConnectorRunOptions,
): AsyncGenerator<RowBatch> {
  const commands = parseFaultyScript(sql);
  const server = new AbortController();
  sessions.set(sessionId, server);
  const signal = AbortSignal.any([opts.signal, server.signal]);
  try {
    for (const [resultSetIndex, command] of commands.entries()) {
      signal.throwIfAborted();
      const lastCommand = resultSetIndex === commands.length - 1;
      for await (const batch of runCommand(command, resultSetIndex, opts.batchSize, signal, behaviour)) {
        yield { ...batch, final: lastCommand && batch.last };
      }
    }
  } finally {
    if (sessions.get(sessionId) === server) sessions.set(sessionId, null);
  }
}

async function* runCommand(
  command: FaultyCommand,
  resultSetIndex: number,
  batchSize: number,
  signal: AbortSignal,
  behaviour: FaultyBehaviour,
): AsyncGenerator<RowBatch> {
  switch (command.kind) {
    case 'rows': {
      let next = 0;
      do {
        if (command.delayMs > 0) await sleep(command.delayMs, undefined, { signal }).catch(() => signal.throwIfAborted());
        signal.throwIfAborted();
        const end = Math.min(command.count, next + batchSize);
        const rows: unknown[][] = [];
        for (let i = next; i < end; i++) rows.push([i, `row ${i}`]);
        next = end;
        yield { resultSetIndex, columns: ROW_COLUMNS, rows, last: next >= command.count };
      } while (next < command.count);
      return;
    }
    case 'affect':
      yield { resultSetIndex, columns: [], rows: [], last: true, rowsAffected: command.count };
      return;
    case 'throw':
      if (isErrorCode(command.code)) throw new BridgeError(command.code, `faulty: injected ${command.code}`, { injected: true });
      throw Object.assign(new Error(`faulty: injected driver error ${command.code}`), { code: command.code });
    case 'hang':
      await new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      return;
    case 'print':
      process.stdout.write(`${command.text}\n`);
      process.stderr.write(`${command.text}\n`);
      yield { resultSetIndex, columns: [], rows: [], last: true };
      return;
    case 'exit':
      process.exit(1);
    // eslint-disable-next-line no-fallthrough -- process.exit does not return
    case 'abort':
      process.abort();
    // eslint-disable-next-line no-fallthrough -- process.abort does not return
    case 'segv':
      // The signal a native driver's bad pointer raises; a thread cannot catch it either (docs/reliability.md).
      process.kill(process.pid, 'SIGSEGV');
      await new Promise<never>(() => undefined);
      return;
    case 'oom':
      // Until V8 gives up: the thread's resourceLimits or the process's --max-old-space-size end the worker.
      for (;;) leaked.push(new Array<number>(1024 * 1024 / 8).fill(Math.random()));
    case 'block': {
      // Synchronous on purpose: no await, no timer, so heartbeats, cancels and every call wait behind it.
      const until = command.ms === null ? Infinity : performance.now() + command.ms;
      while (performance.now() < until) {
        // busy
      }
      yield { resultSetIndex, columns: [{ name: 'blocked_ms', type: 'int' }], rows: [[command.ms]], last: true };
      return;
    }
    case 'malformed':
      // A driver handing over values JSON cannot encode: a BigInt, and an object that contains itself.
      yield { resultSetIndex, columns: ROW_COLUMNS, rows: [[1n, 'bigint'], [2, cyclic()]], last: true };
      return;
    case 'huge':
      yield { resultSetIndex, columns: ROW_COLUMNS, rows: [[0, 'x'.repeat(command.megabytes * 1024 * 1024)]], last: true };
      return;
    case 'noclose':
      behaviour.closeNeverAnswers = true;
      yield { resultSetIndex, columns: [], rows: [], last: true };
      return;
    case 'leak': {
      // Plain arrays of doubles live on the V8 heap, so they count against the worker's heap limit.
      const perChunk = 1024 * 1024 / 8;
      for (let mb = 0; mb < command.megabytes; mb++) leaked.push(new Array<number>(perChunk).fill(Math.random()));
      yield { resultSetIndex, columns: [{ name: 'leaked_mb', type: 'int' }], rows: [[leaked.length]], last: true };
      return;
    }
  }
}

function cyclic(): unknown {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
