// `npm test`: the whole check, as CI runs it. Installs what is missing
// (dependencies; Debian's Chromium when run as root), then type-checks,
// lints and runs every test. Nothing is skipped silently.
import { existsSync } from 'node:fs';
import { checkNode, ensureDependencies, ensureWebBuild, run } from './prepare.mjs';

const CHROMIUM = '/usr/bin/chromium';

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `The browser tests need Debian's Chromium at ${CHROMIUM}.\n` +
        'Install it with:  sudo apt-get install -y chromium\n',
    );
    process.exit(1);
  }
  process.stdout.write(
    'Installing Chromium for the browser tests (apt-get install -y chromium)...\n',
  );
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium'], {
    DEBIAN_FRONTEND: 'noninteractive',
  });
}

checkNode();
ensureDependencies();
ensureChromium();
ensureWebBuild();
process.stdout.write('Type-checking...\n');
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('npx', ['tsc', '-p', 'apps/web/tsconfig.json', '--noEmit']);
process.stdout.write('Linting and checking formatting...\n');
run('npx', ['eslint', '--max-warnings', '0', '.']);
run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
process.stdout.write('Running the tests...\n');
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
