/**
 * The application menu: Electron's standard roles, which carry the platforms' usual shortcuts (copy, paste, undo,
 * reload, zoom, quit…), plus "Restart bridge". Developer tools only when not packaged.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  isMac: boolean;
  /** Not packaged (`npm run desktop`): reload and the developer tools are offered. */
  isDev: boolean;
  onRestartBridge(): void;
}

export function appMenuTemplate(opts: AppMenuOptions): MenuItemConstructorOptions[] {
  const restartBridge: MenuItemConstructorOptions = { label: 'Restart Bridge', click: () => opts.onRestartBridge() };
  const view: MenuItemConstructorOptions[] = [
    ...(opts.isDev
      ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(opts.isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [restartBridge, { type: 'separator' }, opts.isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
