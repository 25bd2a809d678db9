// Builds the desktop installers on a machine that can download Electron:
// `node scripts/build-installers.mjs [--linux|--win|--mac]` (default: this
// machine's platform; a Node runtime can only be shipped for the platform
// it runs on, so build each platform's installers on that platform).
//
//   1. the Electron binary (skipped by development installs) is fetched;
//   2. the web UI and the desktop bundles are built;
//   3. build/server-bundle/ gets the server, the domain packages and their
//      production dependencies, with the native database module compiled from
//      source for *this* Node, which is the runtime shipped beside it;
//   4. build/node-runtime/ gets this Node binary;
//   5. electron-builder packs both as extra resources (electron-builder.yml).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkNode, root, run } from './prepare.mjs';

const PLATFORM_FLAGS = { linux: '--linux', win32: '--win', darwin: '--mac' };
const flag = process.argv[2] ?? PLATFORM_FLAGS[process.platform];
if (!Object.values(PLATFORM_FLAGS).includes(flag)) {
  process.stderr.write(
    'Usage: node scripts/build-installers.mjs [--linux|--win|--mac]\n',
  );
  process.exit(2);
}
if (flag !== PLATFORM_FLAGS[process.platform]) {
  process.stderr.write(
    `The Node runtime shipped with the app is this machine's (${process.platform}); ` +
      `build ${flag} installers on that platform.\n`,
  );
  process.exit(2);
}
checkNode();

// 1. npm installs here skip Electron's download (ELECTRON_SKIP_BINARY_DOWNLOAD).
run('npm', ['ci']);
run(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')]);

// 2.
run('npm', ['run', 'build:web']);
run('npm', ['run', 'build:desktop']);

// 3. A copy of the workspace with only what the server needs at run time.
const bundle = join(root, 'build', 'server-bundle');
rmSync(bundle, { recursive: true, force: true });
mkdirSync(bundle, { recursive: true });
for (const path of ['package.json', 'package-lock.json', 'packages', 'apps/server']) {
  cpSync(join(root, path), join(bundle, path), {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|test)([/\\]|$)/.test(source),
  });
}
// npm needs every workspace's package.json; the web app ships only its build.
for (const app of ['web', 'desktop']) {
  cpSync(
    join(root, 'apps', app, 'package.json'),
    join(bundle, 'apps', app, 'package.json'),
  );
}
cpSync(join(root, 'apps', 'web', 'dist'), join(bundle, 'apps', 'web', 'dist'), {
  recursive: true,
});
run('npm', ['ci', '--omit=dev', '--workspace', 'apps/server', '--prefix', bundle], {
  npm_config_build_from_source: 'true',
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
});
// The server must start on the runtime it ships with: prove it loads SQLite.
run(process.execPath, [
  '-e',
  "require(require.resolve('better-sqlite3-multiple-ciphers', { paths: [process.argv[1]] }))",
  join(bundle, 'apps', 'server'),
]);

// 4.
const runtime = join(root, 'build', 'node-runtime');
rmSync(runtime, { recursive: true, force: true });
const binary = process.platform === 'win32' ? 'node.exe' : join('bin', 'node');
mkdirSync(join(runtime, process.platform === 'win32' ? '' : 'bin'), { recursive: true });
cpSync(process.execPath, join(runtime, binary));

// 5.
if (!existsSync(join(root, 'apps', 'desktop', 'dist', 'main.cjs'))) {
  process.stderr.write('The desktop bundle is missing; see the output above.\n');
  process.exit(1);
}
run('npx', [
  '--yes',
  'electron-builder@26',
  '--config',
  'electron-builder.yml',
  flag,
  '--publish',
  'never',
]);
