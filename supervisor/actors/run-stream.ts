/**
 * One run's plumbing between its worker and its owner: the stream subscription, and the credit the worker runs on —
 * a CreditGate window in stream mode that refills as the client reads, one batch at a time in page mode
 * (docs/architecture.md "A query, from RPC to driver and back").
 *
 * Batches are hot data and are handled here, not in session.machine.ts: each is counted, relayed and credited
 * without an XState event (sending every batch through the machine cost the supervisor ~6× the GC and tripled
 * health.ping p99 under load). The machine hears only of lifecycle: `END`, and in page mode `PAGE_RELAYED`.
 */
import type { RunStreamMessage } from '../../workers/channel/worker-messages.js';
import { CreditGate, DEFAULT_CREDIT_WINDOW } from '../flow/credit-gate.js';
import type { WorkerHandle } from '../isolation/worker-handle.js';
import type { Client } from '../rpc/client-registry.js';
import type { ConnectionActor } from './connection.actor.js';
import type { SessionEvent, SessionRun } from './session-types.js';

export interface RunStreamHooks {
  /** Lifecycle events for the session machine: `END`, and `PAGE_RELAYED` in page mode. */
  onEvent: (event: SessionEvent) => void;
  /** Hands a batch to the client: answers the waiting query.fetchMore, or pushes it as query.result. */
  relay: (json: string) => void;
}

export class RunStream {
  readonly worker: WorkerHandle;
  /** Batches the worker may send before it waits for more credit. */
  readonly initialCredit: number;
  readonly #runId: string;
  readonly #pageMode: boolean;
  readonly #hooks: RunStreamHooks;
  readonly #gate: CreditGate | null;
  readonly #unlisten: () => void;
  #rows = 0;
  #closed = false;

  constructor(run: SessionRun, worker: WorkerHandle, client: Pick<Client, 'transport' | 'onDrain'>, connection: Pick<ConnectionActor, 'listenRun'>, hooks: RunStreamHooks) {
    this.worker = worker;
    this.#runId = run.runId;
    this.#pageMode = run.pageMode;
    this.#hooks = hooks;
    this.initialCredit = run.pageMode ? 1 : DEFAULT_CREDIT_WINDOW;
    this.#gate = run.pageMode
      ? null
      : new CreditGate({ bufferedBytes: () => client.transport.bufferedBytes(), onDrain: (listener) => client.onDrain(listener) }, (batches) =>
          worker.sendStream({ type: 'credit', runId: run.runId, batches }),
        );
    this.#unlisten = connection.listenRun(run.runId, (msg) => this.#onMessage(msg));
  }

  /** The rows relayed to the client so far (the run's count when the worker could not report its own). */
  get rows(): number {
    return this.#rows;
  }

  /** Page mode: credit for exactly one more batch of the open cursor. */
  requestPage(): void {
    if (!this.#closed) this.worker.sendStream({ type: 'credit', runId: this.#runId, batches: 1 });
  }

  /** The run ended: whatever the worker still sends for it is ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    this.#gate?.close();
  }

  #onMessage(msg: RunStreamMessage): void {
    if (this.#closed || msg.runId !== this.#runId) return;
    if (msg.type === 'end') {
      this.#hooks.onEvent({ type: 'END', runId: msg.runId, status: msg.status, rows: msg.rows, rowsAffected: msg.rowsAffected, error: msg.error });
      return;
    }
    // The cursor token is derived from the pages relayed: the machine counts this one before the client sees it.
    if (this.#pageMode) {
      this.#hooks.onEvent({ type: 'PAGE_RELAYED', runId: msg.runId });
      if (this.#closed) return;
    }
    this.#rows += msg.rows;
    this.#hooks.relay(msg.json);
    this.#gate?.delivered();
  }
}
