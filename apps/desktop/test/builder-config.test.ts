import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runtimePaths } from '../src/desktop-files.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface BuilderConfig {
  appId: string;
  electronVersion: string;
  directories: { output: string; buildResources: string };
  extraMetadata: { main: string };
  asar: boolean;
  npmRebuild: boolean;
  nodeGypRebuild: boolean;
  buildDependenciesFromSource: boolean;
  files: string[];
  extraResources: { from: string; to: string }[];
  linux: { target: string[]; icon: string; maintainer?: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
}

const config = load(read('electron-builder.yml')) as BuilderConfig;
const buildDesktop = (
  JSON.parse(read('package.json')) as { scripts: Record<string, string> }
).scripts['build:desktop']!;
const installerScript = read('scripts/build-installers.mjs');

/** Where a files pattern starts: the path before its first glob character. */
const baseOf = (pattern: string) => pattern.split(/[*{]/)[0]!.replace(/\/$/, '');

describe('electron-builder.yml', () => {
  it('builds AppImage and deb, NSIS and dmg, each with an icon that exists', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) {
      expect(existsSync(join(ROOT, icon)), icon).toBe(true);
    }
    expect(existsSync(join(ROOT, config.directories.buildResources))).toBe(true);
  });

  it('names a deb maintainer, which the deb target needs and package.json lacks', () => {
    const root = JSON.parse(read('package.json')) as { author?: { email?: string } };
    const maintainer = config.linux.maintainer ?? root.author?.email;
    expect(maintainer).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[a-z]+>$/);
  });

  it('builds with the Electron version the desktop workspace depends on', () => {
    const desktop = JSON.parse(read('apps/desktop/package.json')) as {
      devDependencies: Record<string, string>;
    };
    expect(config.electronVersion).toBe(desktop.devDependencies['electron']);
  });

  it('names only files that exist in the repository or that the build scripts make', () => {
    const made = ['apps/desktop/dist'];
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      const base = baseOf(pattern);
      if (made.includes(base)) continue;
      expect(existsSync(join(ROOT, base)), pattern).toBe(true);
    }
    // What build:desktop writes is what the config and the wizard page load.
    expect(config.extraMetadata.main).toBe('apps/desktop/dist/main.cjs');
    expect(buildDesktop).toContain('--outdir=apps/desktop/dist --out-extension:.js=.cjs');
    for (const entry of [
      'src/main.ts',
      'src/preload.ts',
      'src/wizard-preload.ts',
      'wizard/page.ts',
    ]) {
      expect(existsSync(join(ROOT, 'apps/desktop', entry)), entry).toBe(true);
      expect(buildDesktop).toContain(`apps/desktop/${entry}`);
    }
    expect(buildDesktop).toContain('--outfile=apps/desktop/dist/wizard-page.js');
    expect(read('apps/desktop/wizard/index.html')).toContain(
      'src="../dist/wizard-page.js"',
    );
    expect(existsSync(join(ROOT, 'apps/desktop/resources/tray.png'))).toBe(true);
  });

  it('ships the Node runtime and the server beside the app, where the shell looks for them', () => {
    expect(config.extraResources).toEqual([
      { from: 'build/node-runtime', to: 'node' },
      { from: 'build/server-bundle', to: 'server' },
    ]);
    for (const { from } of config.extraResources) {
      expect(installerScript).toContain(`join(root, 'build', '${from.split('/')[1]}')`);
    }
    const packaged = runtimePaths({
      packaged: true,
      resourcesPath: '/opt/Flowgento/resources',
      appPath: '/opt/Flowgento/resources/app.asar',
      platform: 'linux',
      env: {},
    });
    expect(packaged).toEqual({
      nodePath: '/opt/Flowgento/resources/node/bin/node',
      serverEntry: '/opt/Flowgento/resources/server/apps/server/bin/flowgento.mjs',
    });
    expect(existsSync(join(ROOT, 'apps/server/bin/flowgento.mjs'))).toBe(true);
  });

  it("builds the native database module for the shipped Node, and never again for Electron's ABI", () => {
    // The server, the only user of SQLite, runs on the shipped Node: an
    // Electron-ABI build would not load there (docs/ARCHITECTURE.md, Desktop).
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(installerScript).toContain("npm_config_build_from_source: 'true'");
    expect(installerScript).toContain(
      "require.resolve('better-sqlite3-multiple-ciphers'",
    );
    expect(config.files).toContain('!**/node_modules/**');
  });
});
