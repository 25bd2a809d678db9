import { NUMBER_DIGITS, PHONE_LIKE } from '@flowgento/core';
import type { Store } from '../store.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

/** An error of `value.errors` as it is stored. */
export interface StoredWebhookError {
  title: string;
  message: string | null;
  rawJson: string;
  /** A keyed digest with a vault; null: the caller's plain content digest. */
  digest: string | null;
  /** The keyed hash of the one contact it was sealed for, else null. */
  contactHash: string | null;
}

/** Unbroken runs of digits: two numbers side by side are two runs. */
const DIGIT_RUNS = /\d+/g;

/**
 * The numbers a text quotes, as digits: written plain or grouped with
 * spaces, dots, dashes or brackets (`PHONE_LIKE`), of a WhatsApp number's
 * length.
 */
export function numbersQuoted(text: string): Set<string> {
  const found = new Set<string>();
  const written = [...text.matchAll(PHONE_LIKE)].map(([run]) => run.replace(/\D/g, ''));
  const runs = [...text.matchAll(DIGIT_RUNS)].map(([run]) => run);
  for (const digits of [...runs, ...written]) {
    if (digits.length >= NUMBER_DIGITS.min && digits.length <= NUMBER_DIGITS.max) {
      found.add(digits);
    }
  }
  return found;
}

/**
 * Seals an error Meta reported in `value.errors` under the key of the one
 * contact it names (issue 8): its details may quote a customer's number
 * ("Message failed to send to 5511…"), and a snapshot must not keep that
 * readable after the contact's erasure. The number is found anywhere in the
 * error, plain or grouped (`numbersQuoted`), and matched by its keyed hash, stored beside
 * the seal so that an erasure finds the row (`ContactErasureRepo.erase`).
 *
 * An error naming no known contact, or several, is kept as it came (with a
 * keyed digest when a vault is there): an erasure finds it by the number.
 */
export function sealWebhookError(
  store: Store,
  workspaceId: string,
  id: string,
  error: { title: string; message: string | null; rawJson: string },
): StoredWebhookError {
  const cipher = new ContactCipher(store.contactKeys, workspaceId);
  const digest = cipher.hashNumber(`webhook error\n${error.rawJson}`) ?? null;
  const plain = { ...error, digest, contactHash: null };
  const contacts = new Map<string, string>();
  for (const number of numbersQuoted(error.rawJson)) {
    const hash = cipher.hashNumber(number);
    if (hash === undefined) return plain;
    const contactId = store
      .statement('SELECT id FROM contacts WHERE workspace_id = ? AND wa_hash = ?')
      .pluck()
      .get(workspaceId, hash) as string | undefined;
    if (contactId !== undefined) contacts.set(hash, contactId);
  }
  const [named, ...others] = [...contacts];
  if (named === undefined || others.length > 0) return plain;
  const [hash, contactId] = named;
  const aad = (column: string) => columnAad('whatsapp_errors', id, column);
  return {
    title: cipher.seal(contactId, error.title, aad('title')),
    message: cipher.seal(contactId, error.message, aad('message')),
    rawJson: cipher.seal(contactId, error.rawJson, aad('raw_json')),
    digest,
    contactHash: hash,
  };
}
