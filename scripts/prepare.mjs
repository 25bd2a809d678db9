// Shared by `npm start` and `npm test`: install dependencies when missing or
// stale, and build the web UI when its sources are newer than the build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    process.stderr.write(
      `\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`,
    );
    process.exit(result.status ?? 1);
  }
}

/**
 * Runs independent checks at the same time, each with its own output shown
 * whole when it ends (never interleaved), and exits like `run` if any failed.
 * On two cores this takes about two thirds of running them one by one.
 */
export async function runTogether(label, commands) {
  process.stdout.write(`${label}...\n`);
  const results = await Promise.all(
    commands.map(
      ([command, args]) =>
        new Promise((resolve) => {
          const child = spawn(command, args, { cwd: root, env: process.env });
          const output = [];
          child.stdout.on('data', (chunk) => output.push(chunk));
          child.stderr.on('data', (chunk) => output.push(chunk));
          child.on('error', (error) =>
            resolve({ command, args, output, status: 1, error }),
          );
          child.on('close', (status, signal) =>
            resolve({ command, args, output, status: status ?? signal }),
          );
        }),
    ),
  );
  for (const result of results) process.stdout.write(Buffer.concat(result.output));
  const failed = results.filter((result) => result.status !== 0);
  for (const { command, args, status, error } of failed) {
    process.stderr.write(
      `\n${command} ${args.join(' ')} failed (${error ? error.message : `exit ${status}`})\n`,
    );
  }
  if (failed.length > 0) process.exit(1);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (max, name) => Math.max(max, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

export function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    process.stderr.write(
      `Flowgento needs Node.js 20 or newer; this is ${process.version}.\n`,
    );
    process.exit(1);
  }
}

/** npm install when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs)
    return;
  process.stdout.write(
    'Installing dependencies (the encrypted SQLite module compiles, about 2 minutes)...\n',
  );
  // The Electron binary cannot be downloaded everywhere; the server never needs it.
  run('npm', ['install', '--no-audit', '--no-fund'], {
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  });
}

/** vite build when apps/web/dist is missing or older than its sources. */
export function ensureWebBuild() {
  const web = join(root, 'apps', 'web');
  const built = newestMtime(join(web, 'dist', 'index.html'));
  const sources = Math.max(
    newestMtime(join(web, 'src')),
    newestMtime(join(web, 'index.html')),
    newestMtime(join(web, 'vite.config.ts')),
  );
  if (built >= sources && built > 0) return;
  process.stdout.write('Building the web UI...\n');
  run('npx', [
    'vite',
    'build',
    '--config',
    'apps/web/vite.config.ts',
    '--logLevel',
    'warn',
  ]);
}
