/**
 * The renderer's preload (sandboxed, context-isolated; docs/architecture.md, "Desktop mode"). It gives the page only
 * `window.dbvDesktop` (ui/src/bridge/desktop-api.ts): ask for a bridge port, hear the bridge's state. The port comes
 * from the main process on an IPC message and is handed to the page with window.postMessage, Electron's documented
 * way into an isolated world (a MessagePort cannot pass through contextBridge).
 *
 * A sandboxed preload is CommonJS and can require only `electron` (hence .cts and no imports of our own at run time).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS under verbatimModuleSyntax is written so
import electron = require('electron');
import type { DesktopBridgeApi, DesktopBridgeState, DesktopChannel, DesktopPortMessageType } from '../src/bridge/desktop-api.js';

type IpcRendererEvent = Electron.IpcRendererEvent;
const { contextBridge, ipcRenderer } = electron;

const REQUEST_PORT: DesktopChannel = 'bridge:request-port';
const PORT: DesktopChannel = 'bridge:port';
const STATE: DesktopChannel = 'bridge:state';
const PORT_MESSAGE: DesktopPortMessageType = 'dbv:bridge-port';

ipcRenderer.on(PORT, (event: IpcRendererEvent) => {
  // The target is this very window, so '*' sends it nowhere else.
  window.postMessage({ type: PORT_MESSAGE }, '*', event.ports);
});

const api: DesktopBridgeApi = {
  requestPort: () => ipcRenderer.send(REQUEST_PORT),
  onBridgeState(listener) {
    const forward = (_event: IpcRendererEvent, state: DesktopBridgeState) => listener(state);
    ipcRenderer.on(STATE, forward);
    return () => void ipcRenderer.off(STATE, forward);
  },
};
contextBridge.exposeInMainWorld('dbvDesktop', api);
