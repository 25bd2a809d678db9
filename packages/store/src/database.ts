import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '@flowgento/core';
import { registerBodyOpener } from './search-opener.ts';

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
 * The page cipher of a database file. New files are written with AEGIS-256
 * (an AES-based AEAD: each page sealed with a fresh random nonce and its page
 * number bound in); files made before it are SQLCipher 4 (AES-256-CBC with
 * HMAC-SHA512) and keep it. Reading a 1 GiB file through the page cipher
 * took 2.2 s with SQLCipher and 0.4 s with AEGIS on the same machine, and
 * writing 3.7 times as long (bench/backup.ts: integrity checks of snapshots
 * and restores, checkpoints during WAL shipping).
 */
export type DatabaseCipher = 'aegis-256' | 'sqlcipher-4';

const CIPHER_PRAGMAS: Record<DatabaseCipher, string[]> = {
  'aegis-256': [`cipher = 'aegis'`, `algorithm = 'aegis-256'`],
  'sqlcipher-4': [`cipher = 'sqlcipher'`, 'legacy = 4'],
};

/** The order a file is tried in: the current cipher first, then the older. */
const CIPHERS: DatabaseCipher[] = ['aegis-256', 'sqlcipher-4'];

/**
 * Opens an encrypted database and proves the key right by reading the schema
 * before anything else touches the file, so a wrong key is refused with the
 * file left byte-identical. The cipher is found by trying each in turn (a
 * wrong cipher fails exactly like a wrong key: the first page does not
 * authenticate); a new file gets the current one.
 */
export function openEncryptedDatabase(options: OpenDatabaseOptions): Db {
  if (options.key.length !== 32) {
    throw new AppError('KEY_REJECTED', 'The database key must be 32 bytes');
  }
  if (options.mustExist && !existsSync(options.path)) {
    throw new AppError('NOT_FOUND', `No database at ${options.path}`);
  }

  const db = openWithSomeCipher(options);

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
  registerBodyOpener(db);
  return db;
}

function openWithSomeCipher(options: OpenDatabaseOptions): Db {
  let rejected: unknown;
  for (const cipher of CIPHERS) {
    const db = new Database(options.path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.mustExist ?? false,
    });
    try {
      applyKey(db, options.key, cipher);
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      return db;
    } catch (error) {
      db.close();
      if (!isNotADatabase(error)) throw error;
      rejected = error;
    }
  }
  throw new AppError(
    'KEY_REJECTED',
    `The database at ${options.path} cannot be opened with this key ` +
      '(wrong key or passphrase, or not a Flowgento database). Nothing was changed.',
    { reason: 'database_key_rejected', cause: rejected },
  );
}

/**
 * Removes the `-wal` and `-shm` files a read-only connection leaves beside a
 * WAL-mode file (it may not checkpoint them away when it closes last), so a
 * restored folder holds only the database. Only an empty log goes: one with
 * frames is part of the database. Call it only on a file no connection has
 * open (a restored file before anything serves it), never on a live one.
 */
export function removeIdleSideFiles(path: string): void {
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return;
  rmSync(wal, { force: true });
  rmSync(`${path}-shm`, { force: true });
}

/** Sets the page cipher and a raw 256-bit key (no KDF at open). */
export function applyKey(db: Db, key: Buffer, cipher: DatabaseCipher): void {
  for (const pragma of CIPHER_PRAGMAS[cipher]) db.pragma(pragma);
  db.pragma(`key = "x'${key.toString('hex')}'"`);
}

/**
 * Runs `fn` (an ATTACH) with `cipher` as the connection's default, the one
 * an attached file is read with, then puts the main file's back.
 */
export function withDefaultCipher<T>(db: Db, cipher: DatabaseCipher, fn: () => T): T {
  const before = cipherOf(db);
  for (const pragma of CIPHER_PRAGMAS[cipher]) db.pragma(pragma);
  try {
    return fn();
  } finally {
    for (const pragma of CIPHER_PRAGMAS[before]) db.pragma(pragma);
  }
}

/** The page cipher of an open database. */
export function cipherOf(db: Db): DatabaseCipher {
  const name = String(db.pragma('cipher', { simple: true }));
  return name === 'sqlcipher' ? 'sqlcipher-4' : 'aegis-256';
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB';
}
