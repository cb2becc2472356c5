/**
 * RunStream alone, over a fake worker, client and connection: it relays, counts and credits a run's batches itself
 * (they never reach the session machine), tells the machine only of lifecycle (`END`; `PAGE_RELAYED` in page mode,
 * before the client sees the page), and ignores everything once closed or addressed to another run.
 */
import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../../../protocol/index.js';
import { reportRunEnd, type RunReportTarget } from '../../../supervisor/actors/run-report.js';
import { RunStream } from '../../../supervisor/actors/run-stream.js';
import { newRun, type SessionEvent } from '../../../supervisor/actors/session-types.js';
import type { WorkerHandle } from '../../../supervisor/isolation/worker-handle.js';
import { HIGH_WATER_MARK, type Transport } from '../../../supervisor/transports/transport.js';
import type { RunStreamMessage, SupervisorStreamMessage } from '../../../workers/channel/worker-messages.js';

function streamHarness(mode: RunOptions['mode'] = 'stream') {
  const log: string[] = [];
  const events: SessionEvent[] = [];
  let buffered = 0;
  let drain: (() => void) | null = null;
  let listener: ((msg: RunStreamMessage) => void) | null = null;
  /** What the machine does on an event, beyond being told (a test may make it end the run). */
  const machine = { onEvent: (_event: SessionEvent): void => undefined };
  const worker = { sendStream: (msg: SupervisorStreamMessage) => void log.push(`${msg.type} ${'batches' in msg ? msg.batches : ''}`) };
  const client = {
    transport: { bufferedBytes: () => buffered } as unknown as Transport,
    onDrain: (l: () => void) => ((drain = l), () => (drain = null)),
  };
  // Delivers whatever it is given, whatever its runId: the stream must check.
  const connection = { listenRun: (_runId: string, l: (msg: RunStreamMessage) => void) => ((listener = l), () => (listener = null)) };
  const run = newRun('r1', 'select 1', { batchSize: 100, mode, rowFormat: 'object' }, 0);
  const stream = new RunStream(run, worker as unknown as WorkerHandle, client, connection, {
    onEvent: (event) => {
      events.push(event);
      log.push(event.type);
      machine.onEvent(event);
    },
    relay: (json) => void log.push(`relay ${json}`),
  });
  return {
    stream,
    machine,
    log,
    events,
    setBuffered: (bytes: number) => void (buffered = bytes),
    drain: () => drain?.(),
    listening: () => listener !== null,
    batch: (json: string, rows: number, runId = 'r1') => listener?.({ type: 'batch', runId, json, rows }),
    end: (rows: number, runId = 'r1') => listener?.({ type: 'end', runId, status: 'success', rows }),
  };
}

describe('RunStream: stream mode', () => {
  it('relays and counts each batch without telling the machine, and earns the worker one credit per batch', () => {
    const h = streamHarness();
    expect(h.stream.initialCredit).toBe(4);
    h.batch('{"n":1}', 10);
    h.batch('{"n":2}', 10);
    expect(h.stream.rows).toBe(20);
    expect(h.log).toEqual(['relay {"n":1}', 'credit 1', 'relay {"n":2}', 'credit 1']);
    expect(h.events).toEqual([]);
  });

  it('holds credit back while the client is slow and grants it when its transport drains', () => {
    const h = streamHarness();
    h.setBuffered(HIGH_WATER_MARK);
    h.batch('{"n":1}', 1);
    h.batch('{"n":2}', 1);
    expect(h.log).toEqual(['relay {"n":1}', 'relay {"n":2}']);
    h.setBuffered(0);
    h.drain();
    expect(h.log.slice(-1)).toEqual(['credit 2']);
  });

  it('turns the worker’s end into one END event carrying the worker’s count', () => {
    const h = streamHarness();
    h.batch('{"n":1}', 3);
    h.end(3);
    expect(h.events).toEqual([{ type: 'END', runId: 'r1', status: 'success', rows: 3 }]);
  });

  it('ignores the messages of another runId', () => {
    const h = streamHarness();
    h.batch('{"old":1}', 5, 'old-run');
    h.end(5, 'old-run');
    expect(h.log).toEqual([]);
    expect(h.stream.rows).toBe(0);
  });

  it('ignores whatever the worker still sends once closed at the run’s end, and stops listening', () => {
    const h = streamHarness();
    h.batch('{"n":1}', 2);
    h.end(2);
    h.stream.close();
    expect(h.listening()).toBe(false);
    const before = [...h.log];
    h.batch('{"late":1}', 7);
    h.end(9);
    h.stream.requestPage();
    h.setBuffered(0);
    h.drain();
    expect(h.log).toEqual(before);
    expect(h.events.filter((e) => e.type === 'END')).toHaveLength(1);
    expect(h.stream.rows).toBe(2);
  });
});

describe('RunStream: page mode', () => {
  it('tells the machine of each page before the client sees it, and credits only the pages asked for', () => {
    const h = streamHarness('page');
    expect(h.stream.initialCredit).toBe(1);
    h.batch('{"page":1}', 100);
    h.stream.requestPage();
    h.batch('{"page":2}', 40);
    expect(h.log).toEqual(['PAGE_RELAYED', 'relay {"page":1}', 'credit 1', 'PAGE_RELAYED', 'relay {"page":2}']);
    expect(h.events).toEqual([{ type: 'PAGE_RELAYED', runId: 'r1' }, { type: 'PAGE_RELAYED', runId: 'r1' }]);
    expect(h.stream.rows).toBe(140);
  });

  it('does not relay a page whose PAGE_RELAYED ended the run', () => {
    const h = streamHarness('page');
    h.machine.onEvent = () => h.stream.close();
    h.batch('{"page":1}', 100);
    expect(h.log).toEqual(['PAGE_RELAYED']);
    expect(h.stream.rows).toBe(0);
  });
});

describe('reportRunEnd', () => {
  it('reports the rows the stream relayed when the worker could not report its own count', () => {
    const sent: Array<[string, unknown]> = [];
    const recorded: unknown[] = [];
    const target = {
      sessionId: 's1',
      connectionId: 'c1',
      clientId: 'k1',
      clients: { sendTo: (_client: string, event: string, params: unknown) => void sent.push([event, params]) },
      history: { record: (row: unknown) => void recorded.push(row) },
      log: { warn: () => undefined },
    } as unknown as RunReportTarget;
    const run = newRun('r1', 'select 1', { batchSize: 100, mode: 'stream', rowFormat: 'object' }, Date.now());
    reportRunEnd(target, run, { status: 'cancelled' }, 120);
    reportRunEnd(target, run, { status: 'success', rows: 130 }, 120);
    expect(sent).toEqual([
      ['query.done', expect.objectContaining({ runId: 'r1', status: 'cancelled', rows: 120 })],
      ['query.done', expect.objectContaining({ runId: 'r1', status: 'success', rows: 130 })],
    ]);
    expect(recorded).toEqual([expect.objectContaining({ rows: 120 }), expect.objectContaining({ rows: 130 })]);
  });
});
