import type { Migration } from './index.ts';

/**
 * Message text sealed under its contact's key (issue 8). The triggers of
 * migration 028 would index the ciphertext and, on delete, hand FTS5 the
 * ciphertext to remove (a contentless index needs the very tokens it was
 * given). Now:
 *
 * - insert: the trigger indexes plain bodies only (rows written without a
 *   vault: CLI tools, the inbox bench); the repository indexes a sealed
 *   body's plaintext itself, in the same transaction;
 * - delete: the plaintext comes from `contact_open_body` (registered on
 *   every connection, `search-opener.ts`), or, when the contact's key is
 *   gone (an old snapshot restored after an erasure), from the index's own
 *   tokens in order (`message_search_instance`), so the ledger's re-apply
 *   still removes every token with `secure-delete`;
 * - a conversation's messages leave the index before the conversation is
 *   deleted (the cascade would delete them after it, when their contact
 *   can no longer be found).
 *
 * Rows written before this stay plaintext and are read as they are.
 */
const OLD_BODY = (contact: string, keyRow: string) => `coalesce(
  contact_open_body(old.workspace_id, ${contact}, m_id, m_body),
  (SELECT group_concat(term, ' ') FROM (SELECT term FROM message_search_instance
     WHERE doc = ${keyRow} AND col = 'body' ORDER BY offset)))`;

export const sealedMessageSearch: Migration = {
  version: 57,
  name: 'sealed message search',
  up(db) {
    const ofMessage = OLD_BODY(
      '(SELECT contact_id FROM conversations WHERE id = old.conversation_id)',
      'k.rowid',
    )
      .replace('m_id', 'old.id')
      .replace('m_body', 'old.body');
    const ofConversation = OLD_BODY('old.contact_id', 'k.rowid')
      .replace('m_id', 'm.id')
      .replace('m_body', 'm.body');
    db.exec(`
      CREATE VIRTUAL TABLE message_search_instance USING fts5vocab(message_search, instance);

      DROP TRIGGER message_search_insert;
      DROP TRIGGER message_search_delete;
      DROP TRIGGER message_search_update;

      CREATE TRIGGER message_search_insert AFTER INSERT ON messages
      WHEN new.body IS NOT NULL AND new.body <> '' AND substr(new.body, 1, 5) <> 'fgc1:'
      BEGIN
        INSERT INTO message_search_keys (message_id) VALUES (new.id);
        INSERT INTO message_search (rowid, workspace, body)
          VALUES (last_insert_rowid(), replace(new.workspace_id, '-', ''), new.body);
      END;

      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
      WHEN old.body IS NOT NULL AND old.body <> '' BEGIN
        INSERT INTO message_search (message_search, rowid, workspace, body)
          SELECT 'delete', k.rowid, replace(old.workspace_id, '-', ''), ${ofMessage}
          FROM message_search_keys k WHERE k.message_id = old.id;
        DELETE FROM message_search_keys WHERE message_id = old.id;
      END;

      CREATE TRIGGER message_search_conversation_delete BEFORE DELETE ON conversations
      BEGIN
        INSERT INTO message_search (message_search, rowid, workspace, body)
          SELECT 'delete', k.rowid, replace(old.workspace_id, '-', ''), ${ofConversation}
          FROM messages m JOIN message_search_keys k ON k.message_id = m.id
          WHERE m.conversation_id = old.id;
        DELETE FROM message_search_keys WHERE message_id IN
          (SELECT id FROM messages WHERE conversation_id = old.id);
      END;

      -- Nothing rewrites a body today; a plain new body is indexed, a sealed
      -- one must be indexed by its writer (as on insert).
      CREATE TRIGGER message_search_update AFTER UPDATE OF body ON messages
      WHEN new.body IS NOT old.body BEGIN
        INSERT INTO message_search (message_search, rowid, workspace, body)
          SELECT 'delete', k.rowid, replace(old.workspace_id, '-', ''), ${ofMessage}
          FROM message_search_keys k WHERE k.message_id = old.id;
        DELETE FROM message_search_keys WHERE message_id = old.id;
        INSERT INTO message_search_keys (message_id)
          SELECT new.id WHERE new.body IS NOT NULL AND new.body <> ''
            AND substr(new.body, 1, 5) <> 'fgc1:';
        INSERT INTO message_search (rowid, workspace, body)
          SELECT rowid, replace(new.workspace_id, '-', ''), new.body
          FROM message_search_keys WHERE message_id = new.id
            AND substr(new.body, 1, 5) <> 'fgc1:';
      END;
    `);
  },
};
