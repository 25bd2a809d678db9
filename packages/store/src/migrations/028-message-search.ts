import type { Migration } from './index.ts';

/**
 * Full-text search over messages (issue #6), inside the encrypted file.
 *
 * `message_search` is a contentless FTS5 table: the text stays only in
 * `messages.body`, and the index holds tokens. Its `workspace` column holds
 * the workspace id without hyphens (one token), so every query names the
 * workspace inside the MATCH expression itself.
 *
 * Erasure must not leave words behind. A row leaves the index through FTS5's
 * 'delete' command with the values it was indexed with (the trigger has the
 * old body), and `secure-delete` then removes those tokens from the index
 * pages at once. (`contentless_delete` was not used: it only records a
 * tombstone, and the words stay until a merge happens to reach them.)
 *
 * Messages have a TEXT key and an implicit rowid that VACUUM (and so a
 * snapshot made with VACUUM INTO) may renumber, so the index rows are keyed
 * by `message_search_keys`, whose INTEGER PRIMARY KEY is kept as is. The
 * triggers keep both in step with `messages` in the writer's own
 * transaction, whoever writes: the intake thread, a reply, a cascade.
 */
export const messageSearch: Migration = {
  version: 28,
  name: 'message search',
  up(db) {
    db.exec(`
      CREATE TABLE message_search_keys (
        rowid INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE
      ) STRICT;

      CREATE VIRTUAL TABLE message_search USING fts5(
        workspace, body,
        content = '',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);

      CREATE TRIGGER message_search_insert AFTER INSERT ON messages
      WHEN new.body IS NOT NULL AND new.body <> '' BEGIN
        INSERT INTO message_search_keys (message_id) VALUES (new.id);
        INSERT INTO message_search (rowid, workspace, body)
          VALUES (last_insert_rowid(), replace(new.workspace_id, '-', ''), new.body);
      END;

      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
      WHEN old.body IS NOT NULL AND old.body <> '' BEGIN
        INSERT INTO message_search (message_search, rowid, workspace, body)
          SELECT 'delete', rowid, replace(old.workspace_id, '-', ''), old.body
          FROM message_search_keys WHERE message_id = old.id;
        DELETE FROM message_search_keys WHERE message_id = old.id;
      END;

      CREATE TRIGGER message_search_update AFTER UPDATE OF body ON messages
      WHEN new.body IS NOT old.body BEGIN
        INSERT INTO message_search (message_search, rowid, workspace, body)
          SELECT 'delete', rowid, replace(old.workspace_id, '-', ''), old.body
          FROM message_search_keys WHERE message_id = old.id;
        DELETE FROM message_search_keys WHERE message_id = old.id;
        INSERT INTO message_search_keys (message_id)
          SELECT new.id WHERE new.body IS NOT NULL AND new.body <> '';
        INSERT INTO message_search (rowid, workspace, body)
          SELECT rowid, replace(new.workspace_id, '-', ''), new.body
          FROM message_search_keys WHERE message_id = new.id;
      END;

      INSERT INTO message_search_keys (message_id)
        SELECT id FROM messages WHERE body IS NOT NULL AND body <> '';
      INSERT INTO message_search (rowid, workspace, body)
        SELECT k.rowid, replace(m.workspace_id, '-', ''), m.body
        FROM message_search_keys k JOIN messages m ON m.id = k.message_id;
    `);
  },
};
