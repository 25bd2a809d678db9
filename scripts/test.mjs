// `npm test`: the whole check, as CI runs it. Installs what is missing
// (dependencies; Debian's Chromium and Ceph's S3 gateway when run as root),
// then type-checks, lints and runs every test. Nothing is skipped silently.
import { existsSync } from 'node:fs';
import {
  checkNode,
  ensureDependencies,
  ensureWebBuild,
  run,
  runTogether,
} from './prepare.mjs';

// What the tests need from Debian, found by the programs they run.
const DEBIAN_NEEDS = [
  {
    purpose: "The browser tests need Debian's Chromium",
    programs: ['/usr/bin/chromium'],
    install: ['install', '-y', '-qq', 'chromium'],
  },
  {
    purpose: "The S3 tests need Ceph's RADOS Gateway, one monitor and one OSD",
    programs: ['/usr/bin/radosgw', '/usr/bin/ceph-mon', '/usr/bin/ceph-osd'],
    install: [
      'install',
      '-y',
      '-qq',
      '--no-install-recommends',
      'radosgw',
      'ceph-mon',
      'ceph-osd',
    ],
  },
];

function ensureDebianPackages() {
  const missing = DEBIAN_NEEDS.filter((need) => !need.programs.every(existsSync));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    for (const need of missing) {
      const command = need.install.filter((arg) => arg !== '-qq').join(' ');
      process.stderr.write(`${need.purpose}.\nInstall with:  sudo apt-get ${command}\n`);
    }
    process.exit(1);
  }
  run('apt-get', ['update', '-qq']);
  for (const need of missing) {
    process.stdout.write(`${need.purpose}: apt-get ${need.install.join(' ')}\n`);
    const began = Date.now();
    run('apt-get', need.install, { DEBIAN_FRONTEND: 'noninteractive' });
    process.stdout.write(`Installed in ${Math.round((Date.now() - began) / 1000)} s.\n`);
  }
}

checkNode();
ensureDependencies();
ensureDebianPackages();
ensureWebBuild();
await runTogether('Type-checking, linting and checking formatting', [
  ['npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['npx', ['tsc', '-p', 'apps/web/tsconfig.json', '--noEmit']],
  ['npx', ['eslint', '--max-warnings', '0', '.']],
  ['npx', ['prettier', '--check', '--log-level', 'warn', '.']],
]);
process.stdout.write('Running the tests...\n');
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
