import { closeSync, existsSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeIndexFiles, SEARCH_INDEX_FILE } from '@flowgento/store';

/**
 * Puts a restored database in place of the live one; only with the
 * appliance stopped (the caller holds the data folder lock). The old file
 * moves aside together with its -wal and -shm, so no stale log is ever
 * read against the restored file, and nothing of the old one is lost.
 * Each step is a rename within the folder, so it is atomic. The search
 * index file is removed (`SearchIndex`).
 */
export function swapInRestored(input: {
  databasePath: string;
  restoredPath: string;
  now: number;
}): { asidePath: string | null } {
  const { databasePath } = input;
  const stamp = new Date(input.now).toISOString().replace(/[:.]/g, '-');
  const asidePath = `${databasePath}.before-restore-${stamp}`;
  const hadDatabase = existsSync(databasePath);
  if (hadDatabase) renameSync(databasePath, asidePath);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(`${databasePath}${suffix}`)) {
      renameSync(`${databasePath}${suffix}`, `${asidePath}${suffix}`);
    }
  }
  renameSync(input.restoredPath, databasePath);
  // The search index followed the old file; the next start rebuilds it from
  // the restored messages (an erased contact's cannot be opened any more).
  removeIndexFiles(join(dirname(databasePath), SEARCH_INDEX_FILE));
  syncFolder(dirname(databasePath));
  return { asidePath: hadDatabase ? asidePath : null };
}

function syncFolder(dir: string): void {
  const fd = openSync(join(dir, '.'), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
