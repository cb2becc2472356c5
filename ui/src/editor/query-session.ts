/**
 * A tab's query session (docs/api.md "query.createSession"): created on first run, recreated when the tab's
 * connection changes or the bridge link was re-established (sessions die with their socket). It owns the tab's
 * current RunResult and feeds it the run's events, and in page mode pulls pages until the row limit. Its rows stay in
 * the bridge worker (keepRowsInWorker): its batches reach the page with only their head rows and a count.
 */
import type { QueryResultEvent } from '../../../protocol/query.js';
import { BridgeError, type BridgeErrorShape } from '../../../protocol/errors.js';
import { bridge, currentEpoch } from '../bridge/bridge.js';
import { Store } from '../bridge/store.js';
import { keepRowsInWorker } from '../bridge/worker-link.js';
import { RunResult, type Batch } from '../results/run-result.js';
import { resultSettings } from '../results/settings.js';

const sessionsById = new Map<string, QuerySession>();

bridge.client.on('query.result', (event) => sessionsById.get(event.sessionId)?.onBatch(event));
bridge.client.on('query.error', (event) => sessionsById.get(event.sessionId)?.current.get()?.fail(event.error));
bridge.client.on('query.done', (event) => sessionsById.get(event.sessionId)?.current.get()?.finish(event));

// Sessions die with their socket, and the bridge cancels their runs: no query.done will come for them.
bridge.state.subscribe(() => {
  if (bridge.state.get().kind === 'open') return;
  for (const session of new Set(sessionsById.values())) {
    const result = session.current.get();
    if (result?.running) {
      result.fail({ code: 'QUERY_CANCELLED', message: 'The connection to the bridge was lost; the bridge stopped this run.' });
      result.finish({ status: 'cancelled', timeMs: performance.now() - result.startedAt });
    }
  }
});

const PAGE_BATCH = 2_000;
const STREAM_BATCH = 1_000;

export class QuerySession {
  readonly current = new Store<RunResult | null>(null);
  #sessionId: string | undefined;
  #epoch = 0;
  #connectionId: string | null = null;
  #limit = 0;
  #pulling = false;

  async run(connectionId: string, sql: string, sqlOffset: number): Promise<void> {
    // A page-mode run paused at the row limit still holds the session (SESSION_BUSY): end it first.
    const previous = this.current.get();
    if (previous?.running) {
      await this.cancel().catch(() => undefined);
      await finished(previous, 3_000);
    }
    const result = new RunResult(sqlOffset, sql);
    this.current.set(result);
    try {
      const sessionId = await this.#ensureSession(connectionId);
      this.#limit = resultSettings.get().rowLimit;
      const opts = this.#limit > 0 ? { mode: 'page' as const, batchSize: Math.min(PAGE_BATCH, this.#limit), rowFormat: 'array' as const } : { batchSize: STREAM_BATCH, rowFormat: 'array' as const };
      const { runId } = await bridge.client.call('query.run', { sessionId, sql, opts });
      result.runId = runId;
    } catch (error) {
      result.fail(toShape(error));
      result.finish({ status: 'error', timeMs: 0 });
    }
  }

  async cancel(): Promise<void> {
    if (this.#sessionId === undefined || this.#epoch !== currentEpoch()) return;
    await bridge.client.call('query.cancel', { sessionId: this.#sessionId });
  }

  /** Page mode: pulls another `limit` rows (the "Load more" button). */
  loadMore(): void {
    const result = this.current.get();
    if (!result) return;
    this.#limit = result.totalRows + (resultSettings.get().rowLimit || PAGE_BATCH);
    void this.#pull(result);
  }

  onBatch(event: QueryResultEvent): void {
    const result = this.current.get();
    if (!result) return;
    result.addBatch(event as Batch);
    if (event.cursorToken) void this.#pull(result);
  }

  async close(): Promise<void> {
    const sessionId = this.#sessionId;
    this.#sessionId = undefined;
    if (sessionId === undefined) return;
    sessionsById.delete(sessionId);
    keepRowsInWorker(sessionId, false);
    if (this.#epoch === currentEpoch()) await bridge.client.call('query.closeSession', { sessionId }).catch(() => undefined);
  }

  async #pull(result: RunResult): Promise<void> {
    if (this.#pulling) return;
    this.#pulling = true;
    try {
      while (result.cursorToken && result.running && result.totalRows < this.#limit && this.current.get() === result) {
        const page = await bridge.client.call('query.fetchMore', { sessionId: this.#sessionId!, cursorToken: result.cursorToken });
        result.addBatch({ resultSetIndex: 0, ...page } as Batch);
      }
    } catch (error) {
      if (result.running) result.fail(toShape(error));
    } finally {
      this.#pulling = false;
      result.changed();
    }
  }

  async #ensureSession(connectionId: string): Promise<string> {
    const epoch = currentEpoch();
    if (this.#sessionId !== undefined && this.#epoch === epoch && this.#connectionId === connectionId) return this.#sessionId;
    await this.close();
    const { sessionId } = await bridge.client.call('query.createSession', { connectionId });
    // Before any run is sent: the worker must know to keep this session's rows from its first batch on.
    keepRowsInWorker(sessionId, true);
    this.#sessionId = sessionId;
    this.#epoch = epoch;
    this.#connectionId = connectionId;
    sessionsById.set(sessionId, this);
    return sessionId;
  }
}

/** Resolves when the run has ended, or after `timeoutMs`. */
function finished(result: RunResult, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = result.subscribe(() => {
      if (!result.running) done();
    });
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

function toShape(error: unknown): BridgeErrorShape {
  return BridgeError.from(error).toShape();
}
