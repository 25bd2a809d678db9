// Keeps the one admin window: the tray's "Open" and a second launch bring
// it forward, and make it again when the admin closed it (the app lives on
// in the tray, so a closed window is the normal case, not an end).

/** What is needed of an Electron BrowserWindow here. */
export interface KeptWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

export interface WindowKeeper<W extends KeptWindow> {
  /** The open window, or null when none is (never one already destroyed). */
  current(): W | null;
  /** The open window, or a new one (not yet loaded) when there is none. */
  ensure(): { window: W; created: boolean };
  /**
   * Brings the window forward, restored; after a close, opens a new one and
   * runs `load` on it (the appliance's page).
   */
  bringForward(load: (window: W) => Promise<void>): Promise<void>;
}

/**
 * `open(onClosed)` makes a window and must call `onClosed` from its
 * `closed` event, so the keeper forgets it.
 */
export function createWindowKeeper<W extends KeptWindow>(
  open: (onClosed: () => void) => W,
): WindowKeeper<W> {
  let window: W | null = null;

  const current = () => (window && !window.isDestroyed() ? window : null);
  const ensure = () => {
    const existing = current();
    if (existing) return { window: existing, created: false };
    const created: W = open(() => {
      if (window === created) window = null;
    });
    window = created;
    return { window: created, created: true };
  };

  return {
    current,
    ensure,
    async bringForward(load) {
      const { window: shown, created } = ensure();
      if (created) {
        await load(shown);
        return;
      }
      if (shown.isMinimized()) shown.restore();
      shown.focus();
    },
  };
}
