/**
 * One app per user: a second launch hands over to the first (Electron's single-instance lock) and ends. What the
 * first one does then depends on its window.
 */
export interface WindowLike {
  isDestroyed(): boolean;
  isMinimized(): boolean;
}

export type SecondInstanceAction = 'open-window' | 'restore-and-focus' | 'focus';

export function secondInstanceAction(window: WindowLike | null): SecondInstanceAction {
  if (!window || window.isDestroyed()) return 'open-window';
  return window.isMinimized() ? 'restore-and-focus' : 'focus';
}
