import { describe, expect, it } from 'vitest';
import { secondInstanceAction } from '../../../ui/electron/single-instance.js';

const window = (state: { destroyed?: boolean; minimized?: boolean }) => ({
  isDestroyed: () => state.destroyed ?? false,
  isMinimized: () => state.minimized ?? false,
});

describe('a second launch of the app', () => {
  it('opens a window when the first instance has none (macOS keeps running windowless) or it is destroyed', () => {
    expect(secondInstanceAction(null)).toBe('open-window');
    expect(secondInstanceAction(window({ destroyed: true }))).toBe('open-window');
  });

  it('restores a minimized window before focusing it, and only focuses one that is showing', () => {
    expect(secondInstanceAction(window({ minimized: true }))).toBe('restore-and-focus');
    expect(secondInstanceAction(window({}))).toBe('focus');
  });
});
