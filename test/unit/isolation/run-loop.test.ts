import { describe, expect, it } from 'vitest';
import { BridgeError, type QueryResultEvent, type RunOptions } from '../../../protocol/index.js';
import { QueryRun } from '../../../workers/run-loop.js';
import type { WorkerStreamMessage } from '../../../workers/channel/worker-messages.js';
import { fakeConnector, oneRowBatches, type ScriptStep } from './fake-connector.js';

function start(script: ScriptStep[], opts: RunOptions = {}, initialCredit = 100) {
  const connector = fakeConnector(script);
  const sent: WorkerStreamMessage[] = [];
  const run = new QueryRun(connector, { sessionId: 's', runId: 'r', sql: 'x', opts, initialCredit }, (m) => sent.push(m));
  const batches = () => sent.filter((m) => m.type === 'batch').map((m) => JSON.parse((m as { json: string }).json) as QueryResultEvent);
  const ends = () => sent.filter((m) => m.type === 'end');
  return { connector, run, sent, batches, ends };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('QueryRun credit flow', () => {
  it('sends only while it holds credit and pulls from the connector only what it can send', async () => {
    const { connector, run, batches, ends } = start(oneRowBatches(10), {}, 2);
    await tick();
    expect(batches()).toHaveLength(2);
    expect(connector.pulls).toBe(2);
    run.addCredit(3);
    await tick();
    expect(batches()).toHaveLength(5);
    expect(connector.pulls).toBe(5);
    run.addCredit(100);
    await run.done;
    expect(batches().map((b) => b.rows)).toEqual(Array.from({ length: 10 }, (_, i) => [{ n: i }]));
    expect(batches().map((b) => b.complete)).toEqual([...Array(9).fill(false), true]);
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'success', rows: 10 }]);
  });

  it('marks complete only on the last batch of the last result set and restarts batchIndex per result set', async () => {
    const { run, batches, ends } = start([
      { rows: [[1]], last: false },
      { rows: [[2]], last: true },
      { rows: [], last: true, resultSetIndex: 1, rowsAffected: 4, columns: [] },
      { rows: [[3]], last: true, resultSetIndex: 2 },
    ]);
    await run.done;
    expect(batches().map((b) => [b.resultSetIndex, b.batchIndex, b.complete])).toEqual([
      [0, 0, false],
      [0, 1, false],
      [1, 0, false],
      [2, 0, true],
    ]);
    expect(batches()[2].rowsAffected).toBe(4);
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'success', rows: 3, rowsAffected: 4 }]);
  });

  it('sends one empty complete batch when the connector produced nothing', async () => {
    const { run, batches, ends } = start([]);
    await run.done;
    expect(batches()).toEqual([{ sessionId: 's', runId: 'r', resultSetIndex: 0, batchIndex: 0, rowCount: 0, rows: [], columns: [], complete: true }]);
    expect(ends()).toHaveLength(1);
  });

  it('sends rows as arrays when rowFormat is array', async () => {
    const { run, batches } = start([{ rows: [[1], [2]], last: true }], { rowFormat: 'array' });
    await run.done;
    expect(batches()[0].rows).toEqual([[1], [2]]);
  });
});

describe('QueryRun and the final flag', () => {
  it('uses final instead of reading ahead: the first result set goes out before the next statement runs', async () => {
    const { connector, run, batches } = start([{ rows: [[1]], last: true, final: false }, 'hang'], {}, 100);
    await tick();
    expect(batches()).toHaveLength(1);
    expect(batches()[0].complete).toBe(false);
    expect(connector.pulls).toBe(2);
    run.cancel();
    await run.done;
  });

  it('without final, a failure in the read-ahead statement still delivers the batch in hand first', async () => {
    const { run, batches, ends } = start([{ rows: [[1]], last: true }, { throws: new BridgeError('QUERY_FAILED', 'second') }]);
    await run.done;
    expect(batches()).toMatchObject([{ rows: [{ n: 1 }], complete: false }]);
    expect(ends()).toMatchObject([{ status: 'error', rows: 1, error: { code: 'QUERY_FAILED', message: 'second' } }]);
  });

  it('closes with an empty complete batch when the connector ends without a final batch', async () => {
    const { run, batches } = start([{ rows: [[1]], last: true, final: false }]);
    await run.done;
    expect(batches().map((b) => [b.resultSetIndex, b.batchIndex, b.rows.length, b.complete])).toEqual([
      [0, 0, 1, false],
      [0, 1, 0, true],
    ]);
  });

  it('reaching maxRows exactly on the final batch is a success, not a truncation', async () => {
    const { run, ends } = start([{ rows: [[1], [2]], last: true, final: true }], { maxRows: 2 });
    await run.done;
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'success', rows: 2 }]);
  });
});

describe('QueryRun endings', () => {
  it('stops at maxRows: the last batch is cut, the cursor is closed, the status is truncated', async () => {
    const { connector, run, batches, ends } = start([
      { rows: [[1], [2], [3], [4]], last: false },
      { rows: [[5], [6], [7], [8]], last: false },
      { rows: [[9]], last: true },
    ], { maxRows: 6 });
    await run.done;
    expect(batches().map((b) => b.rows.length)).toEqual([4, 2]);
    expect(batches()[1].complete).toBe(true);
    expect(connector.returned).toBe(true);
    expect(connector.lastSignal?.aborted).toBe(true);
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'truncated', rows: 6 }]);
  });

  it('cancel while waiting for credit ends the run as cancelled, once', async () => {
    const { connector, run, ends } = start(oneRowBatches(5), {}, 1);
    await tick();
    expect(run.cancel()).toBe(true);
    expect(run.cancel()).toBe(false);
    await run.done;
    expect(connector.returned).toBe(true);
    expect(connector.cancels).toEqual(['s']);
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'cancelled', rows: 1 }]);
  });

  it('cancel during a hanging statement ends the run as cancelled', async () => {
    const { run, ends } = start(['hang']);
    await tick();
    run.cancel();
    await run.done;
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'cancelled', rows: 0 }]);
  });

  it('timeoutMs ends a hanging run with DB_TIMEOUT and asks the server to cancel', async () => {
    const { connector, run, ends } = start(['hang'], { timeoutMs: 50 });
    await run.done;
    expect(connector.cancels).toEqual(['s']);
    expect(ends()).toEqual([
      { type: 'end', runId: 'r', status: 'error', rows: 0, error: { code: 'DB_TIMEOUT', message: expect.any(String), details: { timeoutMs: 50 } } },
    ]);
  });

  it('does not count time spent waiting for credit against timeoutMs', async () => {
    const { run, ends } = start(oneRowBatches(2), { timeoutMs: 60 }, 1);
    await tick(150);
    run.addCredit(5);
    await run.done;
    expect(ends()[0]).toMatchObject({ status: 'success', rows: 2 });
  });

  it('keeps a BridgeError code and details', async () => {
    const { run, ends } = start([{ throws: new BridgeError('QUERY_SYNTAX_ERROR', 'bad', { position: 3 }) }]);
    await run.done;
    expect(ends()).toEqual([
      { type: 'end', runId: 'r', status: 'error', rows: 0, error: { code: 'QUERY_SYNTAX_ERROR', message: 'bad', details: { position: 3 } } },
    ]);
  });

  it('maps a driver error with its own code to QUERY_FAILED and keeps the driver code', async () => {
    const { run, ends } = start([{ throws: Object.assign(new Error('no table'), { code: '42P01' }) }]);
    await run.done;
    expect(ends()[0]).toMatchObject({ status: 'error', error: { code: 'QUERY_FAILED', message: 'no table', details: { driverCode: '42P01' } } });
  });

  it('maps anything else to INTERNAL', async () => {
    const { run, ends } = start([{ throws: new TypeError('oops') }]);
    await run.done;
    expect(ends()[0]).toMatchObject({ status: 'error', error: { code: 'INTERNAL', message: 'oops' } });
  });
});

describe('QueryRun cancel races', () => {
  it('a cancel overtakes a truncation whose last batch is waiting for credit', async () => {
    // Without `final` the batch after a result set's last one is read ahead without credit; let it hit maxRows.
    const { run, batches, ends } = start([{ rows: [[1]], last: true }, { rows: [[2], [3]], last: true, resultSetIndex: 1 }], { maxRows: 2 }, 1);
    await tick();
    expect(batches()).toHaveLength(1);
    expect(run.cancel()).toBe(true);
    await run.done;
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'cancelled', rows: 1 }]);
  });

  it('a cancel after the complete batch changes nothing', async () => {
    const { run, ends } = start([{ rows: [[1]], last: true, final: true }]);
    await run.done;
    expect(run.cancel()).toBe(false);
    expect(ends()).toEqual([{ type: 'end', runId: 'r', status: 'success', rows: 1 }]);
  });
});
