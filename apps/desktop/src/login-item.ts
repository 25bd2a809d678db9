// "Start at login". Electron's setLoginItemSettings works on macOS and
// Windows only; on Linux the app writes an XDG autostart entry itself
// (https://specifications.freedesktop.org/autostart-spec/latest/).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

export interface LoginItem {
  startsAtLogin(): boolean;
  setStartsAtLogin(on: boolean): void;
}

/** What is needed of Electron's `app` where it does this itself. */
export interface ElectronLoginItems {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export const AUTOSTART_FILE = 'flowgento-appliance.desktop';

/** `$XDG_CONFIG_HOME/autostart` (only when absolute, as the spec says), else `~/.config/autostart`. */
export function autostartPath(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const config = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(config, 'autostart', AUTOSTART_FILE);
}

/**
 * The program to start: an AppImage runs from a temporary mount, so the
 * entry names the AppImage file itself ($APPIMAGE), else the executable.
 * APPIMAGE is trusted only when it is this program's own: the AppImage
 * runtime sets it with APPDIR, its mount, and the running executable lies
 * under that mount. One inherited from another AppImage (the app started
 * from a shell inside it) would make the entry start that other program.
 */
export function launchTarget(env: NodeJS.ProcessEnv, execPath: string): string {
  const appImage = env['APPIMAGE'];
  const appDir = env['APPDIR'];
  if (!appImage || !appDir || !isAbsolute(appImage) || !isAbsolute(appDir))
    return execPath;
  const inside = relative(resolve(appDir), resolve(execPath));
  const own = inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  return own ? appImage : execPath;
}

/** The autostart entry; the path quoted as the Desktop Entry spec requires. */
export function autostartEntry(target: string): string {
  // Inside double quotes, ", `, $ and \ are escaped with a backslash; a line
  // break cannot be written in an Exec key at all.
  if (/[\r\n]/.test(target)) throw new Error('The program path holds a line break');
  const quoted = `"${target.replace(/(["`$\\])/g, '\\$1')}"`;
  // A desktop entry's string values escape backslashes once more, and a
  // literal % in Exec is written %% (a lone one starts a field code, and
  // the launcher refuses the entry).
  const exec = quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Flowgento Appliance',
    'Comment=Starts the Flowgento Appliance at login',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The login item for this platform. */
export function loginItemFor(options: {
  platform: NodeJS.Platform;
  electronApp: ElectronLoginItems;
  env: NodeJS.ProcessEnv;
  home: string;
  execPath: string;
}): LoginItem {
  if (options.platform !== 'linux') {
    const app = options.electronApp;
    return {
      startsAtLogin: () => app.getLoginItemSettings().openAtLogin,
      setStartsAtLogin: (on) => app.setLoginItemSettings({ openAtLogin: on }),
    };
  }
  const path = autostartPath(options.env, options.home);
  return {
    startsAtLogin: () => existsSync(path),
    setStartsAtLogin(on) {
      if (!on) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      const entry = autostartEntry(launchTarget(options.env, options.execPath));
      writeFileSync(`${path}.partial`, entry, { mode: 0o644 });
      renameSync(`${path}.partial`, path);
    },
  };
}
