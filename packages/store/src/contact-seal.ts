import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Where each contact's key comes from: the contact vault (`contact-vault.ts`). */
export interface ContactKeys {
  contactKey(workspaceId: string, contactId: string, create: boolean): Buffer | undefined;
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
