import { describe, expect, it } from 'vitest';
import { createWindowKeeper, type KeptWindow } from '../src/window-keeper.ts';

/** A window as the keeper sees it; `close()` does what Electron's does. */
class FakeWindow implements KeptWindow {
  destroyed = false;
  minimized = false;
  focused = 0;
  loaded: string[] = [];
  constructor(private readonly onClosed: () => void) {}
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  restore = () => (this.minimized = false);
  focus = () => (this.focused += 1);
  close() {
    this.destroyed = true;
    this.onClosed();
  }
}

describe('the admin window, asked for from the tray or a second launch', () => {
  const setup = () => {
    const made: FakeWindow[] = [];
    const keeper = createWindowKeeper((onClosed) => {
      const window = new FakeWindow(onClosed);
      made.push(window);
      return window;
    });
    const load = (window: FakeWindow) => {
      window.loaded.push('https://127.0.0.1:8443/');
      return Promise.resolve();
    };
    return { made, keeper, load };
  };

  it('opens again on the appliance page after the admin closed it', async () => {
    const { made, keeper, load } = setup();
    await keeper.bringForward(load);
    made[0]!.close();
    expect(keeper.current()).toBeNull();

    await keeper.bringForward(load);
    expect(made).toHaveLength(2);
    expect(made[1]!.loaded).toEqual(['https://127.0.0.1:8443/']);
    expect(keeper.current()).toBe(made[1]);
  });

  it('brings an open window forward, restored, without making another', async () => {
    const { made, keeper, load } = setup();
    await keeper.bringForward(load);
    made[0]!.minimized = true;
    await keeper.bringForward(load);
    expect(made).toHaveLength(1);
    expect(made[0]!.minimized).toBe(false);
    expect(made[0]!.focused).toBe(1);
    expect(made[0]!.loaded).toHaveLength(1);
  });

  it('forgets a window destroyed without a closed event, and a late event of an old one', async () => {
    const { made, keeper, load } = setup();
    await keeper.bringForward(load);
    made[0]!.destroyed = true;
    await keeper.bringForward(load);
    expect(made).toHaveLength(2);
    made[0]!.close(); // the old window's event must not drop the new one
    expect(keeper.current()).toBe(made[1]);
  });
});
