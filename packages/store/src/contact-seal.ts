import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from './database.ts';

/** Where each contact's key comes from: the contact vault (`contact-vault.ts`). */
export interface ContactKeys {
  contactKey(workspaceId: string, contactId: string, create: boolean): Buffer | undefined;
  /** The keyed hash a contact is found by, from its number (`contacts.wa_hash`). */
  hashNumber(workspaceId: string, waId: string): string;
}

/** Marks a column value sealed under its contact's key (version 1). */
const SEALED = 'fgc1:';

/** What a reader sees of a value whose contact's key was destroyed. */
export const SHREDDED_TEXT = '(erased: this contact was erased and cannot be read)';

/** AES-256-GCM under the contact's key, bound to table, row and column. */
export function sealForContact(key: Buffer, plain: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/**
 * Opens a sealed value; plain values written before sealing are returned as
 * they are. Undefined `key` (destroyed by an erasure) gives `SHREDDED_TEXT`.
 */
export function openForContact(
  key: Buffer | undefined,
  stored: string,
  aad: string,
): string {
  if (!stored.startsWith(SEALED)) return stored;
  if (!key) return SHREDDED_TEXT;
  const blob = Buffer.from(stored.slice(SEALED.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad)).setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString(
    'utf8',
  );
}

/** True when a stored value is sealed under a contact's key. */
export function isSealed(stored: string | null): boolean {
  return stored !== null && stored.startsWith(SEALED);
}

/** An SQL condition: `column` holds a value, and it is not sealed. */
export const plainValueSql = (column: string): string =>
  `(${column} IS NOT NULL AND substr(${column}, 1, ${SEALED.length}) <> '${SEALED}')`;

/** The AAD of one sealed column: table, row and column, as notes use. */
export const columnAad = (table: string, id: string, column: string): string =>
  `${table}/${id}/${column}`;

/**
 * Seals and opens the columns of one workspace's contacts, each contact's
 * key fetched from the vault once per use of this object (a page of a list
 * names a few contacts many times). Without a vault (CLI tools, a test on a
 * bare store) values are written and read as they are.
 */
export class ContactCipher {
  readonly #keys = new Map<string, Buffer | undefined>();

  constructor(
    private readonly source: ContactKeys | undefined,
    private readonly workspaceId: string,
  ) {}

  #key(contactId: string, create: boolean): Buffer | undefined {
    if (!this.source) return undefined;
    if (this.#keys.has(contactId) && (!create || this.#keys.get(contactId))) {
      return this.#keys.get(contactId);
    }
    const key = this.source.contactKey(this.workspaceId, contactId, create);
    this.#keys.set(contactId, key);
    return key;
  }

  /**
   * The keyed hash of a number, as `contacts.wa_hash` and the erasure
   * ledger hold it; undefined without a vault (numbers stay plain then).
   */
  hashNumber(waId: string): string | undefined {
    return this.source?.hashNumber(this.workspaceId, waId);
  }

  /** Seals `plain` with the contact's key, making the key on first use. */
  seal(contactId: string, plain: string, aad: string): string;
  seal(contactId: string, plain: string | null, aad: string): string | null;
  seal(contactId: string, plain: string | null, aad: string): string | null {
    if (plain === null) return null;
    const key = this.#key(contactId, true);
    return key ? sealForContact(key, plain, aad) : plain;
  }

  /** Opens a value; plain ones come back as they are, shredded ones marked. */
  open(contactId: string, stored: string, aad: string): string;
  open(contactId: string, stored: string | null, aad: string): string | null;
  open(contactId: string, stored: string | null, aad: string): string | null {
    if (stored === null || !isSealed(stored)) return stored;
    return openForContact(this.#key(contactId, false), stored, aad);
  }
}

/** The columns sealed under contacts' keys (see docs/ARCHITECTURE.md). */
const SEALED_COLUMNS = [
  ['notes', 'body'],
  ['messages', 'body'],
  ['messages', 'raw_json'],
  ['messages', 'content_json'],
  ['contacts', 'profile_name'],
  ['outbound_jobs', 'payload_json'],
  ['media', 'filename'],
] as const;

/**
 * True when any row holds a value sealed under a contact's key: a database
 * that cannot be read without its contact vault.
 */
export function holdsSealedValues(db: Db): boolean {
  return SEALED_COLUMNS.some(
    ([table, column]) =>
      db
        .prepare(
          `SELECT EXISTS (SELECT 1 FROM ${table} WHERE substr(${column}, 1, 5) = ?)`,
        )
        .pluck()
        .get(SEALED) === 1,
  );
}
