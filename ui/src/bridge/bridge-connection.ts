/**
 * The one socket to the bridge (docs/api.md "WebSocket"). A single BridgeClient lives as long as the page, so event
 * handlers are registered once; the socket under it is replaced when the bridge goes away and comes back. Sessions
 * belong to a socket, so every successful (re)connection bumps `epoch` and the features recreate what they held.
 */
import { BridgeClient } from '../../../protocol/client.js';
import { Store } from './store.js';
import { forgetToken } from './token.js';
import { WorkerSocket } from './worker-link.js';

export type LinkState =
  /** First connection attempt in progress. */
  | { kind: 'connecting' }
  | { kind: 'open'; epoch: number }
  /** Was open, lost; retrying every few seconds. */
  | { kind: 'lost'; since: number; attempt: number }
  /** No token in the URL or the session. */
  | { kind: 'no-token' }
  /** The HTTP server answers but the WebSocket upgrade is refused: wrong token, foreign origin or rate limit. */
  | { kind: 'refused' };

const RETRY_MS = [250, 500, 1000, 2000, 3000];

export class BridgeConnection {
  readonly client: BridgeClient;
  readonly state = new Store<LinkState>({ kind: 'connecting' });
  #socket: WorkerSocket | null = null;
  #epoch = 0;
  #attempt = 0;
  #everOpened = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly token: string | null,
    private readonly rpcUrl: string = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`,
  ) {
    this.client = new BridgeClient((text) => {
      if (this.#socket?.readyState !== WorkerSocket.OPEN) throw new Error('Not connected to the bridge');
      this.#socket.send(text);
    });
  }

  start(): void {
    if (this.token === null || this.token === '') {
      this.state.set({ kind: 'no-token' });
      return;
    }
    this.#open();
  }

  /** Tries again now (the banner's "Retry" button). */
  retry(): void {
    clearTimeout(this.#timer);
    if (this.#socket === null) this.#open();
  }

  #open(): void {
    // The socket itself lives in the bridge worker, off the main thread (worker-link.ts).
    const socket = new WorkerSocket(`${this.rpcUrl}?token=${encodeURIComponent(this.token ?? '')}`);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#everOpened = true;
      this.#attempt = 0;
      this.state.set({ kind: 'open', epoch: ++this.#epoch });
    };
    socket.onmessage = (event) => {
      this.client.receive(event.data);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.client.failAll(new Error('The connection to the bridge was lost'));
      if (!opened) void this.#failedBeforeOpen();
      else this.#scheduleRetry();
    };
  }

  /**
   * A browser does not tell why an upgrade failed. If the page's own server answers, the bridge is up and refused
   * us: a wrong token (or origin, or too many wrong tries) — retrying would only feed the rate limiter.
   */
  async #failedBeforeOpen(): Promise<void> {
    const serverUp = await fetch('/', { method: 'HEAD', cache: 'no-store' }).then(
      (response) => response.ok,
      () => false,
    );
    if (serverUp) {
      // Do not keep presenting it on reload: the next page load should say "missing" unless a new one is given.
      forgetToken();
      this.state.set({ kind: 'refused' });
    }
    else this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const attempt = this.#attempt++;
    const current = this.state.get();
    if (this.#everOpened || current.kind === 'lost') {
      this.state.set({ kind: 'lost', since: current.kind === 'lost' ? current.since : Date.now(), attempt });
    }
    this.#timer = setTimeout(() => this.#open(), RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
  }
}
