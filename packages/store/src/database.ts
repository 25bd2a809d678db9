import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '@flowgento/core';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of the database file; created when missing unless `mustExist`. */
  path: string;
  /** The 32-byte database key (a subkey of the root key, never the root key). */
  key: Buffer;
  mustExist?: boolean;
  readonly?: boolean;
  /**
   * False hands checkpoints to the caller (see `Checkpointer`): SQLite's own
   * runs inside a COMMIT every 1,000 pages, on the request's critical path.
   */
  autoCheckpoint?: boolean;
}

/**
 * Opens an encrypted database in SQLCipher 4 compatible mode and proves the
 * key right by reading the schema before anything else touches the file, so a
 * wrong key is refused with the file left byte-identical.
 */
export function openEncryptedDatabase(options: OpenDatabaseOptions): Db {
  if (options.key.length !== 32) {
    throw new AppError('KEY_REJECTED', 'The database key must be 32 bytes');
  }
  if (options.mustExist && !existsSync(options.path)) {
    throw new AppError('NOT_FOUND', `No database at ${options.path}`);
  }

  const db = new Database(options.path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.mustExist ?? false,
  });
  try {
    applyKey(db, options.key);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) {
      throw new AppError(
        'KEY_REJECTED',
        `The database at ${options.path} cannot be opened with this key ` +
          '(wrong key or passphrase, or not a Flowgento database). Nothing was changed.',
        { reason: 'database_key_rejected', cause: error },
      );
    }
    throw error;
  }

  if (!options.readonly) {
    // Encrypted or not, the file is nobody else's business.
    chmodSync(options.path, 0o600);
    db.pragma('journal_mode = WAL');
    // FULL: a webhook is acknowledged only after its commit is on disk.
    db.pragma('synchronous = FULL');
    if (options.autoCheckpoint === false) db.pragma('wal_autocheckpoint = 0');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Page decryption dominates reads; a larger cache keeps hot pages decrypted.
  db.pragma('cache_size = -65536');
  db.pragma('secure_delete = ON');
  // When the log restarts after a full checkpoint, its first commit cuts the
  // file to what it wrote: pages of erased data do not linger past it.
  db.pragma('journal_size_limit = 0');
  return db;
}

/** Sets the SQLCipher 4 cipher and a raw 256-bit key (no KDF at open). */
export function applyKey(db: Db, key: Buffer): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.toString('hex')}'"`);
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB';
}
