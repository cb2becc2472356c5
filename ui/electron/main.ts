/**
 * The desktop app's main process (docs/architecture.md, "Desktop mode"). It owns no data: it shows the UI from
 * ui/dist in a locked-down window, runs the bridge (supervisor/main.ts) as an Electron utilityProcess with no TCP
 * listener, and connects the two with a MessageChannelMain pair per renderer (bridge-host.ts).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  ipcMain,
  BrowserWindow,
  Menu,
  MessageChannelMain,
  net,
  protocol,
  session,
  utilityProcess,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import { SUPERVISOR_NODE_FLAGS } from '../../supervisor/node-flags.js';
import type { DesktopBridgeState, DesktopChannel } from '../src/bridge/desktop-api.js';
import { appMenuTemplate } from './app-menu.js';
import { APP_ENTRY_URL, APP_RESPONSE_HEADERS, APP_SCHEME, isAppUrl, resolveAppFile } from './app-protocol.js';
import { BridgeHost } from './bridge-host.js';
import { secondInstanceAction } from './single-instance.js';

const REQUEST_PORT: DesktopChannel = 'bridge:request-port';
const PORT: DesktopChannel = 'bridge:port';
const STATE: DesktopChannel = 'bridge:state';

/** The package root: the app folder when packaged, the repository under `npm run desktop`. */
const ROOT = app.getAppPath();
const UI_DIR = join(ROOT, 'ui', 'dist');
const SUPERVISOR_ENTRY = join(ROOT, 'dist', 'supervisor', 'main.js');
const PRELOAD = join(ROOT, 'dist', 'ui', 'electron', 'preload.cjs');

// Everything the renderer runs is sandboxed, whatever a window's options say.
app.enableSandbox();
// Standard + secure: a real origin for 'self' in the CSP, absolute asset paths, ES modules and fetch() as over https.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it has been told (its 'second-instance') and shows its window.
  app.quit();
} else {
  let window: BrowserWindow | null = null;

  const host = new BridgeHost<MessagePortMain>({
    fork: () =>
      utilityProcess.fork(SUPERVISOR_ENTRY, ['--parent-port', '--no-listen', '--data-dir', join(app.getPath('userData'), 'bridge')], {
        serviceName: 'DB Visualizer bridge',
        // The bridge's V8 flags, as every launcher passes them (supervisor/node-flags.ts).
        execArgv: [...SUPERVISOR_NODE_FLAGS],
        stdio: 'inherit',
      }),
    createChannel: () => new MessageChannelMain(),
    broadcast: (state: DesktopBridgeState) => {
      for (const each of BrowserWindow.getAllWindows()) each.webContents.send(STATE, state);
    },
    log: (message, details) => console.log(`[desktop] ${message}`, details ?? ''),
  });

  const openWindow = (): BrowserWindow => {
    const created = new BrowserWindow({
      width: 1280,
      height: 820,
      show: false,
      title: 'DB Visualizer',
      webPreferences: {
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    lockDown(created.webContents);
    const id = created.webContents.id;
    created.on('closed', () => {
      host.forget(id);
      if (window === created) window = null;
    });
    created.once('ready-to-show', () => created.show());
    void created.loadURL(APP_ENTRY_URL);
    return created;
  };

  app.on('second-instance', () => {
    const action = secondInstanceAction(window);
    if (action === 'open-window') window = openWindow();
    else {
      if (action === 'restore-and-focus') window!.restore();
      window!.focus();
    }
  });

  app.whenReady().then(() => {
    serveAppProtocol();
    denyPermissions();
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(appMenuTemplate({ isMac: process.platform === 'darwin', isDev: !app.isPackaged, onRestartBridge: () => host.restart() })),
    );
    // Each page load asks for its own port (a reload too); the sender is checked to be one of our windows.
    ipcMain.on(REQUEST_PORT, (event) => {
      const sender = event.sender;
      if (!isAppUrl(event.senderFrame?.url ?? '')) return;
      host.requestPort(sender.id, (port) => {
        if (!sender.isDestroyed()) sender.postMessage(PORT, null, [port]);
        else port.close();
      });
    });
    host.start();
    window = openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The bridge is stopped gracefully (runs cancelled, app.db closed) before the app exits.
  let bridgeStopped = false;
  app.on('will-quit', (event) => {
    if (bridgeStopped) return;
    event.preventDefault();
    void host.stop().finally(() => {
      bridgeStopped = true;
      app.quit();
    });
  });
}

/** ui/dist over app://dbv/, every response with the desktop CSP; anything else is 404. */
function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(UI_DIR, request.url);
    const response = file ? await net.fetch(pathToFileURL(file).href).catch(() => null) : null;
    if (!response?.ok) return new Response('Not found', { status: 404, headers: APP_RESPONSE_HEADERS });
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(APP_RESPONSE_HEADERS)) headers.set(name, value);
    return new Response(response.body, { status: 200, headers });
  });
}

/** No remote content: the window stays on app://dbv, opens no other window, embeds nothing, is granted nothing. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function denyPermissions(): void {
  // Copying a result to the clipboard is the one permission the UI uses.
  const allowed = new Set(['clipboard-sanitized-write']);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(allowed.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowed.has(permission));
}
