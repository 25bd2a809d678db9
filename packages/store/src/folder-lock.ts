import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '@flowgento/core';

/** Held while a process owns a data folder; `release` is idempotent. */
export interface FolderLock {
  release(): void;
}

export const LOCK_FILE_NAME = 'appliance.lock';

/**
 * Takes the data folder for this process alone: the running appliance holds
 * it for its lifetime, and the key commands hold it while they change keys.
 *
 * The lock is an exclusive SQLite lock on a small plain file, held by an open
 * connection in exclusive locking mode. The operating system drops it when
 * the process ends, however it ends, so a crash never leaves a stale lock
 * behind (unlike a pid file), and it works wherever SQLite's own locking does,
 * including between two connections of one process.
 */
export function lockDataFolder(dataDir: string, holder: string): FolderLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, LOCK_FILE_NAME), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write transaction takes the exclusive lock; this mode keeps it.
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new AppError(
        'CONFLICT',
        `The data folder ${dataDir} is in use by a running appliance or a key ` +
          `command, so ${holder} cannot start. Stop the appliance first.`,
        { reason: 'data_folder_in_use', cause: error },
      );
    }
    throw error;
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
