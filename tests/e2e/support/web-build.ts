import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'apps/web/dist');
const WEB_SOURCES = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
];

/**
 * Builds the web UI when it is missing or older than its sources, so the
 * browser never tests yesterday's bundle by accident.
 */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && newestSource() <= statSync(index).mtimeMs) return;

  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'apps/web/vite.config.ts'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `vite build failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const source of WEB_SOURCES) visit(join(REPO_ROOT, source));
  return newest;
}
