import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  autostartEntry,
  autostartPath,
  launchTarget,
  loginItemFor,
} from '../src/login-item.ts';

let home: string | undefined;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

const noElectron = {
  getLoginItemSettings: () => {
    throw new Error('Electron does not do this on Linux');
  },
  setLoginItemSettings: () => {
    throw new Error('Electron does not do this on Linux');
  },
};

describe('Start at login', () => {
  it('on Linux writes an XDG autostart entry for the AppImage, and removes it when turned off', () => {
    home = mkdtempSync(join(tmpdir(), 'fg-login-'));
    const item = loginItemFor({
      platform: 'linux',
      electronApp: noElectron,
      env: {
        APPIMAGE: '/home/ana/Apps/Flowgento Appliance.AppImage',
        APPDIR: '/tmp/.mount_Flow123',
      },
      home,
      execPath: '/tmp/.mount_Flow123/flowgento-appliance',
    });
    expect(item.startsAtLogin()).toBe(false);

    item.setStartsAtLogin(true);
    const path = join(home, '.config', 'autostart', 'flowgento-appliance.desktop');
    expect(item.startsAtLogin()).toBe(true);
    const entry = readFileSync(path, 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(entry).toContain('Exec="/home/ana/Apps/Flowgento Appliance.AppImage"\n');

    item.setStartsAtLogin(false);
    expect(item.startsAtLogin()).toBe(false);
    item.setStartsAtLogin(false); // already off: nothing to do, no error
  });

  it('uses an absolute XDG_CONFIG_HOME, the executable outside an AppImage, and quotes odd paths', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe(
      '/cfg/autostart/flowgento-appliance.desktop',
    );
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/ana')).toBe(
      '/home/ana/.config/autostart/flowgento-appliance.desktop',
    );
    expect(autostartEntry('/opt/a "b" $c`d\\e')).toContain(
      'Exec="/opt/a \\\\"b\\\\" \\\\$c\\\\`d\\\\\\\\e"\n',
    );
    expect(() => autostartEntry('/opt/a\nExec=evil')).toThrow(/line break/);
    // A literal % is %% in Exec (Desktop Entry spec), else it is a field code.
    expect(autostartEntry('/home/ana/100% apps/flowgento')).toContain(
      'Exec="/home/ana/100%% apps/flowgento"\n',
    );
  });

  it("trusts APPIMAGE only when it is the running program's own AppImage", () => {
    const exe = '/opt/Flowgento Appliance/flowgento-appliance';
    // Started from a shell inside another AppImage: its APPIMAGE/APPDIR are inherited.
    const other = {
      APPIMAGE: '/home/ana/Apps/Editor.AppImage',
      APPDIR: '/tmp/.mount_Edit9',
    };
    expect(launchTarget(other, exe)).toBe(exe);
    expect(launchTarget({ APPIMAGE: '/home/ana/Apps/Editor.AppImage' }, exe)).toBe(exe);
    const own = { APPIMAGE: '/home/ana/Flowgento.AppImage', APPDIR: '/tmp/.mount_Flow1' };
    expect(launchTarget(own, '/tmp/.mount_Flow1/flowgento-appliance')).toBe(
      '/home/ana/Flowgento.AppImage',
    );
    expect(launchTarget({}, exe)).toBe(exe);
  });

  it('leaves macOS and Windows to Electron', () => {
    let openAtLogin = false;
    const item = loginItemFor({
      platform: 'darwin',
      electronApp: {
        getLoginItemSettings: () => ({ openAtLogin }),
        setLoginItemSettings: (settings) => (openAtLogin = settings.openAtLogin),
      },
      env: {},
      home: '/nonexistent',
      execPath: '/Applications/Flowgento Appliance.app',
    });
    item.setStartsAtLogin(true);
    expect(item.startsAtLogin()).toBe(true);
  });
});
