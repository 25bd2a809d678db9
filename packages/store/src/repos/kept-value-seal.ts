import type { Store } from '../store.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

/** The keys under which Meta's payloads name a customer's number. */
const NUMBER_KEYS = new Set(['wa_id', 'from', 'recipient_id', 'new_wa_id']);

/** A kept webhook value as it is stored. */
export interface StoredKeptValue {
  rawJson: string;
  /** A keyed digest with a vault; null: the caller's plain content digest. */
  digest: string | null;
  /** The keyed hash of the one contact it was sealed for, else null. */
  contactHash: string | null;
}

export const keptValueAad = (id: string) => columnAad('webhook_events', id, 'raw_json');

/**
 * Seals a kept webhook value (`webhook_events`) under the key of the one
 * contact it names (issue 8): such values (a preference change without a
 * time, the parts of a `messages` value no handler reads) hold the
 * customer's number and more, and a snapshot must not keep them readable
 * after an erasure. With a vault, its digest (which deduplicates
 * deliveries) is keyed, so it cannot be matched against guessed payloads.
 *
 * A value naming no known contact, or several, is kept as it came: an
 * erasure finds it by the quoted number (`ContactErasureRepo.erase`), which
 * it could not do inside a seal made for someone else.
 */
export function sealKeptValue(
  store: Store,
  workspaceId: string,
  id: string,
  rawJson: string,
): StoredKeptValue {
  const cipher = new ContactCipher(store.contactKeys, workspaceId);
  // Keyed whenever a vault is there, sealed or not: a value kept before its
  // contact existed and delivered again after must still match itself.
  const digest = cipher.hashNumber(`kept value\n${rawJson}`) ?? null;
  const plain = { rawJson, digest, contactHash: null };
  const hashes = new Set<string>();
  for (const number of numbersIn(rawJson)) {
    const hash = cipher.hashNumber(number);
    if (hash === undefined) return plain;
    hashes.add(hash);
  }
  const [hash] = [...hashes];
  if (hash === undefined || hashes.size > 1) return plain;
  const contactId = store
    .statement('SELECT id FROM contacts WHERE workspace_id = ? AND wa_hash = ?')
    .pluck()
    .get(workspaceId, hash) as string | undefined;
  if (contactId === undefined) return plain;
  return {
    rawJson: cipher.seal(contactId, rawJson, keptValueAad(id)),
    digest,
    contactHash: hash,
  };
}

/** Opens a kept value sealed by `sealKeptValue`; plain ones as they are. */
export function openKeptValue(
  store: Store,
  workspaceId: string,
  row: { id: string; rawJson: string; contactHash: string | null },
): string {
  if (row.contactHash === null) return row.rawJson;
  const contactId = store
    .statement('SELECT id FROM contacts WHERE workspace_id = ? AND wa_hash = ?')
    .pluck()
    .get(workspaceId, row.contactHash) as string | undefined;
  const cipher = new ContactCipher(store.contactKeys, workspaceId);
  // No such contact any more: its key went with it, as did the value.
  return cipher.open(contactId ?? '', row.rawJson, keptValueAad(row.id));
}

/** Every string under a key that names a customer's number, anywhere in the value. */
function numbersIn(rawJson: string): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (NUMBER_KEYS.has(key) && typeof value === 'string') found.add(value);
        else walk(value);
      }
    }
  };
  try {
    walk(JSON.parse(rawJson));
  } catch {
    // Not JSON (never, from intake): nothing found, kept as it came.
  }
  return found;
}
