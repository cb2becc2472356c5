/**
 * The desktop app's link to the bridge (docs/architecture.md, "Desktop mode"): the same BridgeClient as over the
 * WebSocket, carried by a MessagePort the main process hands over through the preload's `window.dbvDesktop`
 * (desktop-api.ts). No token: the port is the credential. The bridge posts JSON text, parsed here as a WebSocket
 * frame would be (docs/api.md, "MessagePort").
 *
 * Same surface as BridgeConnection (client, state, start, retry), so bridge.ts picks one and nothing else in ui/
 * knows which. When the bridge's utility process dies the main process says so: the link is 'lost' (calls fail,
 * sessions are gone) until the restarted bridge is ready, then it asks for a new port and a new epoch begins.
 */
import { BridgeClient } from '../../../protocol/client.js';
import type { LinkState } from './bridge-connection.js';
import type { DesktopBridgeApi, DesktopBridgeState, DesktopPortMessageType } from './desktop-api.js';
import { Store } from './store.js';

declare global {
  interface Window {
    /** Present only inside the desktop app (ui/electron/preload.cts). */
    dbvDesktop?: DesktopBridgeApi;
  }
}

const PORT_MESSAGE: DesktopPortMessageType = 'dbv:bridge-port';

export class MessagePortLink {
  readonly client: BridgeClient;
  readonly state = new Store<LinkState>({ kind: 'connecting' });
  #port: MessagePort | null = null;
  #epoch = 0;
  #lostSince = 0;

  constructor(
    private readonly desktop: DesktopBridgeApi,
    private readonly page: Window = window,
  ) {
    this.client = new BridgeClient((text) => {
      if (!this.#port) throw new Error('Not connected to the bridge');
      this.#port.postMessage(text);
    });
  }

  start(): void {
    this.page.addEventListener('message', (event: MessageEvent) => {
      // Only the preload posts ports to this window, on the window itself.
      if (event.source !== this.page || (event.data as { type?: unknown } | null)?.type !== PORT_MESSAGE || !event.ports[0]) return;
      this.#adopt(event.ports[0]);
    });
    this.desktop.onBridgeState((state) => this.#bridgeState(state));
    this.desktop.requestPort();
  }

  /** The banner's "Retry now": ask again (the main process answers once the bridge is ready). */
  retry(): void {
    this.desktop.requestPort();
  }

  #adopt(port: MessagePort): void {
    this.#drop();
    this.#port = port;
    port.onmessage = (event: MessageEvent) => {
      if (this.#port === port) this.client.receive(event.data as string | object);
    };
    port.start();
    this.#lostSince = 0;
    this.state.set({ kind: 'open', epoch: ++this.#epoch });
  }

  #bridgeState(state: DesktopBridgeState): void {
    if (state.kind === 'ready') {
      if (!this.#port) this.desktop.requestPort();
      return;
    }
    // The utility process died: the port leads nowhere now and every pending call is lost with it.
    this.#drop();
    this.#lostSince ||= Date.now();
    this.state.set({ kind: 'lost', since: this.#lostSince, attempt: state.kind === 'restarting' ? state.attempt - 1 : 0 });
  }

  #drop(): void {
    if (!this.#port) return;
    this.#port.onmessage = null;
    this.#port.close();
    this.#port = null;
    this.client.failAll(new Error('The connection to the bridge was lost'));
  }
}
