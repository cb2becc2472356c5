/**
 * Page mode on the supervisor's side (docs/architecture.md "Page mode"): the first batch of a run is pushed as
 * `query.result`; each later one is pulled by a `query.fetchMore`, answered with the batch itself (spliced, not
 * parsed). This holds the one fetch that may wait for its page; session.machine.ts decides when pages are asked for
 * and how long an unfetched cursor may stay open.
 */
import { BridgeError, sessionBusyError, type FetchMoreResult, type RunStatus } from '../../protocol/index.js';
import { cursorTokenFor, runIdOfCursorToken } from '../../workers/channel/cursor-token.js';
import { RawJson } from '../rpc/raw-json.js';
import type { SessionRun } from './session-types.js';

export class PageFetch {
  #waiting: { resolve: (page: RawJson<FetchMoreResult>) => void; reject: (error: BridgeError) => void } | null = null;
  /**
   * The last run that ended without its last page (failed or cancelled), and why. A fetch already on the wire when
   * the run ended — its worker was killed, say — is answered with that end rather than "no page-mode run".
   */
  #ended: { runId: string; error: BridgeError } | null = null;

  /**
   * Checks a query.fetchMore against the session's run, then waits for the page it asks for. The caller grants the
   * worker the credit for that page once this returned.
   */
  request(run: SessionRun | null, cursorToken: string): Promise<RawJson<FetchMoreResult>> {
    const endedRun = this.#ended;
    if (endedRun && endedRun.runId === runIdOfCursorToken(cursorToken) && endedRun.runId !== run?.runId) {
      throw new BridgeError(endedRun.error.code, endedRun.error.message, { ...endedRun.error.details, cursorToken, runId: endedRun.runId });
    }
    if (!run || !run.pageMode || run.generation === null) {
      throw new BridgeError('INVALID_PARAMS', "No open page-mode run on this session: run with opts.mode 'page' first", { cursorToken });
    }
    if (this.#waiting) throw sessionBusyError({ cursorToken }, 'A query.fetchMore is already waiting for its page');
    // The token both ends derive from the pages relayed so far: only the last page's token names the next page.
    if (run.pagesRelayed === 0 || cursorToken !== cursorTokenFor(run.runId, run.pagesRelayed)) {
      throw new BridgeError('INVALID_PARAMS', 'Unknown or stale cursorToken: pass the one of the last page received', { cursorToken });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** Answers the waiting fetch with this batch; false when none waits (the batch is then pushed instead). */
  deliver(json: string): boolean {
    const waiting = this.#waiting;
    if (!waiting) return false;
    this.#waiting = null;
    waiting.resolve(new RawJson<FetchMoreResult>(json));
    return true;
  }

  /**
   * The run ended: a fetch still waiting for its page fails with why, and so does a later one naming this run.
   * A run that succeeded delivered its last page: a token after it is simply stale.
   */
  ended(runId: string, status: RunStatus, error: BridgeError | null): void {
    const why = error ?? new BridgeError('QUERY_CANCELLED', `The run ended (${status}) before the page arrived`);
    this.#ended = status === 'success' ? null : { runId, error: why };
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(why);
  }
}
