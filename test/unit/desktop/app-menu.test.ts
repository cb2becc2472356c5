import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from '../../../ui/electron/app-menu.js';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('the app menu', () => {
  it('has the standard edit, zoom and quit roles (their shortcuts come with them)', () => {
    const all = roles(appMenuTemplate({ isMac: false, isDev: false, onRestartBridge: () => undefined }));
    expect(all).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'quit', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
    expect(all).not.toContain('appMenu');
  });

  it('offers reload and the developer tools only in development', () => {
    expect(roles(appMenuTemplate({ isMac: false, isDev: false, onRestartBridge: () => undefined }))).not.toEqual(
      expect.arrayContaining(['toggleDevTools']),
    );
    expect(roles(appMenuTemplate({ isMac: false, isDev: true, onRestartBridge: () => undefined }))).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
    );
  });

  it('on macOS starts with the app menu (which holds Quit) and File closes the window', () => {
    const template = appMenuTemplate({ isMac: true, isDev: false, onRestartBridge: () => undefined });
    expect(template[0]).toEqual({ role: 'appMenu' });
    expect(roles([template[1]!])).toEqual(['close']);
  });

  it('"Restart Bridge" calls back', () => {
    const onRestartBridge = vi.fn();
    const file = appMenuTemplate({ isMac: false, isDev: false, onRestartBridge })[0]!;
    const restart = (file.submenu as MenuItemConstructorOptions[]).find((item) => item.label === 'Restart Bridge')!;
    restart.click!({} as never, undefined, {} as never);
    expect(onRestartBridge).toHaveBeenCalledOnce();
  });
});
