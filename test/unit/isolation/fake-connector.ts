/** A scripted in-memory Connector for run-loop unit tests: it records every pull, return and cancel. */
import type { ColumnMeta } from '../../../protocol/index.js';
import type { Connector, ConnectorRunOptions, RowBatch } from '../../../workers/connectors/connector.js';

export type ScriptStep = { rows: number[][]; last: boolean; resultSetIndex?: number; rowsAffected?: number; columns?: ColumnMeta[]; final?: boolean } | { throws: unknown } | 'hang';

export interface FakeConnector extends Connector {
  pulls: number;
  returned: boolean;
  cancels: string[];
  lastSignal?: AbortSignal;
}

const COLUMNS: ColumnMeta[] = [{ name: 'n', type: 'int' }];

export function fakeConnector(script: ScriptStep[]): FakeConnector {
  const fake: FakeConnector = {
    type: 'fake',
    pulls: 0,
    returned: false,
    cancels: [],
    testConnection: async () => ({ ok: true, latencyMs: 0 }),
    getMetadata: async () => ({ database: 'fake', schemas: [] }),
    tableInfo: async () => {
      throw new Error('not used');
    },
    openSession: async () => undefined,
    runQuery(_sessionId: string, _sql: string, opts: ConnectorRunOptions): AsyncIterable<RowBatch> {
      fake.lastSignal = opts.signal;
      return (async function* () {
        try {
          for (const step of script) {
            fake.pulls++;
            if (step === 'hang') {
              await new Promise((_, reject) => opts.signal.addEventListener('abort', () => reject(opts.signal.reason), { once: true }));
              continue;
            }
            if ('throws' in step) throw step.throws;
            yield { resultSetIndex: step.resultSetIndex ?? 0, columns: step.columns ?? COLUMNS, rows: step.rows, last: step.last, final: step.final, rowsAffected: step.rowsAffected };
          }
        } finally {
          fake.returned = true;
        }
      })();
    },
    cancel: async (sessionId: string) => {
      fake.cancels.push(sessionId);
      return true;
    },
    closeSession: async () => undefined,
    close: async () => undefined,
  };
  return fake;
}

/** `count` batches of one row each, the last one marked last. */
export function oneRowBatches(count: number): ScriptStep[] {
  return Array.from({ length: count }, (_, i) => ({ rows: [[i]], last: i === count - 1 }));
}
