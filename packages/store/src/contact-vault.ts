import { createHmac, hkdfSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { openEncryptedDatabase, type Db } from './database.ts';

/** The vault's file name in the data folder, beside `flowgento.db`. */
export const CONTACT_VAULT_FILE = 'contact-keys.db';

/** One erasure as the ledger keeps it: no name, no number, no content. */
export interface ErasureLedgerEntry {
  workspaceId: string;
  /** HMAC-SHA256 of the number under the vault's ledger key, hex. */
  numberHash: string;
  erasedAt: number;
  /** `user:<id>` or `system`. */
  actor: string;
  reason: string;
}

/**
 * The contact vault: a second small encrypted SQLite file kept OUTSIDE the
 * database's backup chain, because snapshots and WAL segments cannot be
 * rewritten and whatever lives in `flowgento.db` comes back with a restore.
 * It holds the erasure ledger, re-applied after every restore.
 *
 * Both its file key and the ledger's hash key derive from the appliance's
 * backup key (random, sealed by the key ring, carried by the recovery kit),
 * so a restored appliance opens the same vault and hashes a number the same.
 */
export class ContactVault {
  readonly #db: Db;
  readonly #hashKey: Buffer;
  readonly #path: string;

  private constructor(db: Db, hashKey: Buffer, path: string) {
    this.#db = db;
    this.#hashKey = hashKey;
    this.#path = path;
  }

  /** Puts a vault downloaded from the backup tier in place (restore). */
  static place(path: string, bytes: Buffer): void {
    writeFileSync(path, bytes, { mode: 0o600, flag: 'wx' });
  }

  /** Opens (or makes) the vault at `path`, keyed from `backupKey`. */
  static open(path: string, backupKey: Buffer): ContactVault {
    const db = openEncryptedDatabase({ path, key: vaultKey(backupKey, 'file') });
    db.exec(`
      CREATE TABLE IF NOT EXISTS erasure_ledger (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace_id TEXT NOT NULL,
        number_hash TEXT NOT NULL CHECK (length(number_hash) = 64),
        erased_at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS erasure_ledger_by_number
        ON erasure_ledger (workspace_id, number_hash);
    `);
    return new ContactVault(db, vaultKey(backupKey, 'ledger'), path);
  }

  /** The keyed hash the ledger names a number by, per workspace. */
  hashNumber(workspaceId: string, waId: string): string {
    return createHmac('sha256', this.#hashKey)
      .update(`${workspaceId}\n${waId}`)
      .digest('hex');
  }

  record(entry: ErasureLedgerEntry): void {
    this.#db
      .prepare(
        `INSERT INTO erasure_ledger (workspace_id, number_hash, erased_at, actor, reason)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        entry.workspaceId,
        entry.numberHash,
        entry.erasedAt,
        entry.actor,
        entry.reason,
      );
    // The ledger must survive a crash that follows: nothing stays in the log.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Every workspace's erased numbers, each hash once. */
  erasedNumbers(): Map<string, Set<string>> {
    const rows = this.#db
      .prepare(
        'SELECT DISTINCT workspace_id AS ws, number_hash AS hash FROM erasure_ledger',
      )
      .all() as { ws: string; hash: string }[];
    const found = new Map<string, Set<string>>();
    for (const { ws, hash } of rows) {
      const set = found.get(ws) ?? new Set<string>();
      set.add(hash);
      found.set(ws, set);
    }
    return found;
  }

  entries(): ErasureLedgerEntry[] {
    return this.#db
      .prepare(
        `SELECT workspace_id AS workspaceId, number_hash AS numberHash,
           erased_at AS erasedAt, actor, reason FROM erasure_ledger ORDER BY seq`,
      )
      .all() as ErasureLedgerEntry[];
  }

  /** The whole file, its log folded in: what the backup tier keeps. */
  bytes(): Buffer {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return readFileSync(this.#path);
  }

  close(): void {
    if (!this.#db.open) return;
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.close();
  }
}

function vaultKey(backupKey: Buffer, use: 'file' | 'ledger'): Buffer {
  return Buffer.from(
    hkdfSync('sha256', backupKey, Buffer.alloc(0), `flowgento contact vault ${use}`, 32),
  );
}
