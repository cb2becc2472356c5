/**
 * One run's plumbing between its worker and its owner: the stream subscription that turns the worker's messages
 * into session machine events, and the credit the worker runs on — a CreditGate window in stream mode that refills
 * as the client reads, one batch at a time in page mode (docs/architecture.md "A query, from RPC to driver and back").
 */
import type { RunStreamMessage } from '../../workers/channel/worker-messages.js';
import { CreditGate, DEFAULT_CREDIT_WINDOW } from '../flow/credit-gate.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import type { Client } from '../rpc/client-registry.js';
import type { ConnectionActor } from './connection.actor.js';
import type { SessionEvent, SessionRun } from './session-types.js';

export class RunStream {
  readonly worker: WorkerHandle;
  /** Batches the worker may send before it waits for more credit. */
  readonly initialCredit: number;
  readonly #runId: string;
  readonly #gate: CreditGate | null;
  readonly #unlisten: () => void;

  constructor(run: SessionRun, worker: WorkerHandle, client: Client, connection: ConnectionActor, onEvent: (event: SessionEvent) => void) {
    this.worker = worker;
    this.#runId = run.runId;
    this.initialCredit = run.pageMode ? 1 : DEFAULT_CREDIT_WINDOW;
    this.#gate = run.pageMode
      ? null
      : new CreditGate({ bufferedBytes: () => client.transport.bufferedBytes(), onDrain: (listener) => client.onDrain(listener) }, (batches) =>
          worker.sendStream({ type: 'credit', runId: run.runId, batches }),
        );
    this.#unlisten = connection.listenRun(run.runId, (msg) => onEvent(streamEvent(msg)));
  }

  /** A batch was handed to the client (pushed or as a fetchMore answer). */
  delivered(): void {
    this.#gate?.delivered();
  }

  /** Page mode: credit for exactly one more batch of the open cursor. */
  requestPage(): void {
    this.worker.sendStream({ type: 'credit', runId: this.#runId, batches: 1 });
  }

  close(): void {
    this.#unlisten();
    this.#gate?.close();
  }
}

function streamEvent(msg: RunStreamMessage): SessionEvent {
  if (msg.type === 'batch') return { type: 'BATCH', runId: msg.runId, rows: msg.rows, json: msg.json };
  return { type: 'END', runId: msg.runId, status: msg.status, rows: msg.rows, rowsAffected: msg.rowsAffected, error: msg.error };
}
