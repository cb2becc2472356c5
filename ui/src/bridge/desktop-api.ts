/**
 * What the desktop app's preload (ui/electron/preload.cts) gives the page as `window.dbvDesktop`, and the IPC
 * channels behind it. Types only: the sandboxed preload cannot import at run time, so it spells the channel names
 * itself and the compiler checks them against these (docs/architecture.md, "Desktop mode").
 *
 * The port itself cannot cross contextBridge: the preload posts it to the page with window.postMessage, a message
 * whose data is `{ type: DESKTOP_PORT_MESSAGE }` and whose `ports[0]` is the page's end of the bridge.
 */

/** Where the bridge stands, as the main process sees its utility process. */
export type DesktopBridgeState =
  /** Running and taking ports. */
  | { kind: 'ready' }
  /** Died (exit code given); started again in `retryInMs`. Every port it served is gone. */
  | { kind: 'restarting'; exitCode: number | null; attempt: number; retryInMs: number }
  /** Died too often in a row; the app stopped restarting it (the menu's "Restart bridge" tries again). */
  | { kind: 'failed'; exitCode: number | null };

export interface DesktopBridgeApi {
  /** Asks the main process for a new port pair; the page's end arrives as a window message. */
  requestPort(): void;
  /** Subscribes to the bridge's state; returns the unsubscribe. */
  onBridgeState(listener: (state: DesktopBridgeState) => void): () => void;
}

/** `data.type` of the window message that carries the page's port. */
export type DesktopPortMessageType = 'dbv:bridge-port';

/** IPC channels between the preload and the main process. */
export type DesktopChannel = 'bridge:request-port' | 'bridge:port' | 'bridge:state';
