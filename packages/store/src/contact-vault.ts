import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '@flowgento/core';
import { dirname, join } from 'node:path';
import { openEncryptedDatabase, type Db } from './database.ts';
import { SEARCH_INDEX_FILE, type SearchIndexFile } from './search-index.ts';

/** The vault's file name in the data folder, beside `flowgento.db`. */
export const CONTACT_VAULT_FILE = 'contact-keys.db';

/**
 * The vault's subkeys: enough to open it and make contact keys (the intake
 * thread gets these, never the backup key they derive from).
 */
export interface ContactVaultKeys {
  file: Uint8Array;
  ledger: Uint8Array;
  wrap: Uint8Array;
}

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
 * It holds the erasure ledger, re-applied after every restore, and each
 * contact's own key (notes are sealed with it; erasure destroys it).
 *
 * Both its file key and the ledger's hash key derive from the appliance's
 * backup key (random, sealed by the key ring, carried by the recovery kit),
 * so a restored appliance opens the same vault and hashes a number the same.
 */
export class ContactVault {
  /** Opened at start when the file exists, else made on its first write. */
  #opened: Db | undefined;
  readonly #fileKey: Buffer;
  readonly #hashKey: Buffer;
  readonly #wrapKey: Buffer;
  readonly #path: string;
  /**
   * Unwrapped keys recently used, by `workspace/contact`: an inbox page
   * names up to 200 contacts, and a vault read plus unwrap each costs about
   * 30 µs. Bounded; an erasure drops its entry before the row.
   */
  readonly #cache = new Map<string, Buffer>();
  /** Called after a key is made; the server copies the vault to the backup tier. */
  onChange: () => void = () => undefined;
  /** Changes made through this connection (see `changeMark`). */
  #changes = 0;

  private constructor(keys: ContactVaultKeys, path: string) {
    this.#fileKey = Buffer.from(keys.file);
    this.#hashKey = Buffer.from(keys.ledger);
    this.#wrapKey = Buffer.from(keys.wrap);
    this.#path = path;
  }

  /** The subkeys of the vault keyed from `backupKey`. */
  static keysFrom(backupKey: Buffer): ContactVaultKeys {
    return {
      file: vaultKey(backupKey, 'file'),
      ledger: vaultKey(backupKey, 'ledger'),
      wrap: vaultKey(backupKey, 'wrap'),
    };
  }

  /** Puts a vault downloaded from the backup tier in place (restore). */
  static place(path: string, bytes: Buffer): void {
    writeFileSync(path, bytes, { mode: 0o600, flag: 'wx' });
  }

  /**
   * The vault at `path`, keyed from `backupKey`. An existing file is opened
   * now (a wrong key is refused at once); a missing one is made only when
   * something is first written, so an appliance without contacts has none.
   */
  static open(path: string, backupKey: Buffer | ContactVaultKeys): ContactVault {
    const keys = Buffer.isBuffer(backupKey)
      ? ContactVault.keysFrom(backupKey)
      : backupKey;
    const vault = new ContactVault(keys, path);
    if (existsSync(path)) vault.#db();
    return vault;
  }

  /**
   * True once the file exists: the intake thread (its own connection) may
   * have made it since this one started without it.
   */
  #exists(): boolean {
    if (!this.#opened && existsSync(this.#path)) this.#db();
    return this.#opened !== undefined;
  }

  #db(): Db {
    if (this.#opened) return this.#opened;
    const db = openEncryptedDatabase({ path: this.#path, key: this.#fileKey });
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
      CREATE TABLE IF NOT EXISTS contact_keys (
        workspace_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        key_wrapped BLOB NOT NULL,
        PRIMARY KEY (workspace_id, contact_id)
      ) STRICT;
    `);
    this.#opened = db;
    return db;
  }

  /**
   * The message search index's file, beside the vault, and its key (derived
   * from the vault's own: both stay on this machine, and a restore that
   * brings the vault back opens, or else rebuilds, the same index).
   */
  searchIndexFile(): SearchIndexFile {
    return {
      path: join(dirname(this.#path), SEARCH_INDEX_FILE),
      key: Buffer.from(
        hkdfSync('sha256', this.#fileKey, Buffer.alloc(0), 'flowgento search index', 32),
      ),
    };
  }

  /**
   * The keyed hash the ledger and `contacts.wa_hash` name a number by, per
   * workspace: HMAC-SHA256 of the normalised number (`normalisedWaId`).
   */
  hashNumber(workspaceId: string, waId: string): string {
    return createHmac('sha256', this.#hashKey)
      .update(`${workspaceId}\n${normalisedWaId(waId)}`)
      .digest('hex');
  }

  record(entry: ErasureLedgerEntry): void {
    this.#db()
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
    this.#changes += 1;
    // The ledger must survive a crash that follows: nothing stays in the log.
    this.#db().pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Runs `fn` in one vault transaction: many keys made at once (numbers
   * sealed at start) cost one commit instead of one each.
   */
  transaction<T>(fn: () => T): T {
    return this.#db().transaction(fn)();
  }

  /** True when the vault holds nothing yet (no key, no erasure). */
  isEmpty(): boolean {
    if (!this.#exists()) return true;
    return (
      this.#db()
        .prepare(
          'SELECT (SELECT count(*) FROM contact_keys) + (SELECT count(*) FROM erasure_ledger)',
        )
        .pluck()
        .get() === 0
    );
  }

  /** Every workspace's erased numbers, each hash once. */
  /**
   * Per workspace, each erased number's hash and when it was last erased: a
   * contact row made after that (the customer wrote again) is a new contact.
   */
  /** The ledger's newest entry for a number (who erased it, when, why). */
  latestErasure(workspaceId: string, numberHash: string): ErasureLedgerEntry | undefined {
    if (!this.#exists()) return undefined;
    return this.#db()
      .prepare(
        `SELECT workspace_id AS workspaceId, number_hash AS numberHash,
           erased_at AS erasedAt, actor, reason
         FROM erasure_ledger WHERE workspace_id = ? AND number_hash = ?
         ORDER BY erased_at DESC, seq DESC LIMIT 1`,
      )
      .get(workspaceId, numberHash) as ErasureLedgerEntry | undefined;
  }

  erasedNumbers(): Map<string, Map<string, number>> {
    if (!this.#exists()) return new Map();
    const rows = this.#db()
      .prepare(
        `SELECT workspace_id AS ws, number_hash AS hash, max(erased_at) AS at
           FROM erasure_ledger GROUP BY workspace_id, number_hash`,
      )
      .all() as { ws: string; hash: string; at: number }[];
    const found = new Map<string, Map<string, number>>();
    for (const { ws, hash, at } of rows) {
      const erased = found.get(ws) ?? new Map<string, number>();
      erased.set(hash, at);
      found.set(ws, erased);
    }
    return found;
  }

  entries(): ErasureLedgerEntry[] {
    if (!this.#exists()) return [];
    return this.#db()
      .prepare(
        `SELECT workspace_id AS workspaceId, number_hash AS numberHash,
           erased_at AS erasedAt, actor, reason FROM erasure_ledger ORDER BY seq`,
      )
      .all() as ErasureLedgerEntry[];
  }

  /**
   * The contact's own 32-byte key, made on first use when `create`; undefined
   * once the contact was erased (or never had one). Wrapped in the vault by
   * a key derived from the backup key, bound to its workspace and contact.
   */
  contactKey(
    workspaceId: string,
    contactId: string,
    create: boolean,
  ): Buffer | undefined {
    const cached = this.#cache.get(`${workspaceId}/${contactId}`);
    if (cached) return cached;
    if (!this.#exists() && !create) return undefined;
    const aad = Buffer.from(`contact_keys/${workspaceId}/${contactId}`);
    const wrapped = this.#db()
      .prepare(
        'SELECT key_wrapped FROM contact_keys WHERE workspace_id = ? AND contact_id = ?',
      )
      .pluck()
      .get(workspaceId, contactId) as Buffer | undefined;
    if (wrapped)
      return this.#remember(workspaceId, contactId, unwrap(this.#wrapKey, wrapped, aad));
    if (!create) return undefined;
    const key = randomBytes(32);
    this.#db()
      .prepare(
        'INSERT INTO contact_keys (workspace_id, contact_id, key_wrapped) VALUES (?, ?, ?)',
      )
      .run(workspaceId, contactId, wrap(this.#wrapKey, key, aad));
    this.#changes += 1;
    // A new key must reach the backup tier, or a restore could not read
    // what it sealed.
    this.onChange();
    return this.#remember(workspaceId, contactId, key);
  }

  #remember(workspaceId: string, contactId: string, key: Buffer): Buffer {
    if (this.#cache.size >= KEY_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(`${workspaceId}/${contactId}`, key);
    return key;
  }

  /**
   * Destroys the contact's key (crypto-shredding): whatever was sealed with
   * it, in any backup, can no longer be opened. The freed page is zeroed
   * (`secure_delete`), the log truncated and the file vacuumed.
   */
  destroyContactKey(workspaceId: string, contactId: string): void {
    this.#cache.get(`${workspaceId}/${contactId}`)?.fill(0);
    this.#cache.delete(`${workspaceId}/${contactId}`);
    if (!this.#exists()) return;
    this.#db()
      .prepare('DELETE FROM contact_keys WHERE workspace_id = ? AND contact_id = ?')
      .run(workspaceId, contactId);
    this.#changes += 1;
    this.#db().pragma('wal_checkpoint(TRUNCATE)');
    this.#db().exec('VACUUM');
    this.#db().pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Differs from an earlier mark once anything changed the vault since, on
   * this connection or another (the intake thread makes keys on its own):
   * SQLite's `data_version` counts the others' commits. The shipper compares
   * it with the mark of the last copy in the backup tier.
   */
  changeMark(): string {
    if (!this.#exists()) return `${this.#changes}:none`;
    const version = this.#db().pragma('data_version', { simple: true }) as number;
    return `${this.#changes}:${version}`;
  }

  /**
   * The whole file, its log folded in: what the backup tier keeps. Refused
   * when the log could not be folded in completely (another connection held
   * it): the file alone could lack the newest keys.
   */
  bytes(): Buffer {
    const [result] = this.#db().pragma('wal_checkpoint(TRUNCATE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    if (result && (result.busy !== 0 || result.checkpointed < result.log)) {
      throw new AppError(
        'CONFLICT',
        'The contact vault is in use and its log could not be folded in; copy it again',
        { reason: 'contact_vault_busy' },
      );
    }
    return readFileSync(this.#path);
  }

  close(): void {
    const db = this.#opened;
    if (!db?.open) return;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  }
}

/**
 * A number as its hash covers it: a phone number written with `+`, spaces,
 * dots, brackets or hyphens is its digits (WhatsApp ids are digits only, so
 * ledger hashes recorded before this stay the same); anything else is kept
 * as it is, so two different odd ids never share a hash.
 */
export function normalisedWaId(waId: string): string {
  return /^[+\d\s().-]*\d[+\d\s().-]*$/.test(waId) ? waId.replace(/\D/g, '') : waId;
}

/** Keys kept unwrapped in memory: a few inbox pages' worth of contacts. */
const KEY_CACHE_SIZE = 4096;

function wrap(key: Buffer, plain: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

function unwrap(key: Buffer, blob: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12)).setAAD(aad);
  decipher.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
}

function vaultKey(backupKey: Buffer, use: 'file' | 'ledger' | 'wrap'): Buffer {
  return Buffer.from(
    hkdfSync('sha256', backupKey, Buffer.alloc(0), `flowgento contact vault ${use}`, 32),
  );
}
