import type { Db } from './database.ts';
import { columnAad, isSealed, openForContact, type ContactKeys } from './contact-seal.ts';

const sources = new WeakMap<Db, () => ContactKeys | undefined>();

/**
 * Registers `contact_open_body(workspace_id, contact_id, message_id, body)`
 * on a connection. Only a database between migrations 057 and 066 still has
 * the triggers that call it (066 moved the index to its own file and
 * dropped them), so an upgrade that deletes messages on the way still runs.
 * The delete triggers of migration 057 give FTS5 the
 * plaintext a message was indexed with (a contentless index can only drop a
 * row given the same tokens). A plain body comes back as it is; a sealed one
 * opened with its contact's key, or NULL when the key is gone (the contact
 * was erased, then an old snapshot restored) or the connection has no vault:
 * the trigger then reads the tokens back from the index itself.
 */
export function registerBodyOpener(db: Db): void {
  db.function(
    'contact_open_body',
    (workspaceId: unknown, contactId: unknown, messageId: unknown, body: unknown) => {
      if (typeof body !== 'string' || !isSealed(body)) return body;
      const keys = sources.get(db)?.();
      if (!keys || typeof workspaceId !== 'string' || typeof contactId !== 'string') {
        return null;
      }
      const key = keys.contactKey(workspaceId, contactId, false);
      if (!key) return null;
      return openForContact(key, body, columnAad('messages', String(messageId), 'body'));
    },
  );
}

/** Where a connection's triggers find contact keys: the store's vault. */
export function setBodyKeys(db: Db, source: () => ContactKeys | undefined): void {
  sources.set(db, source);
}
