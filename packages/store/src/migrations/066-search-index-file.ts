import type { Migration } from './index.ts';

/**
 * The message search index leaves `flowgento.db` for its own file
 * (`search-index.db`, see `SearchIndex`), outside the backup chain: its
 * words could not be sealed under each contact's key, so an erased
 * contact's words stayed readable in every snapshot and WAL segment made
 * before the erasure.
 *
 * The old index, its key table and its triggers are dropped (the database
 * runs with `secure_delete`, so their pages are zeroed as they are freed).
 * What stays here is one counter of changes to message text, moved by
 * triggers on every connection, whoever writes; the index file keeps the
 * count it followed, and a difference makes the appliance rebuild it at
 * start (after a restore, or a write made without the index attached).
 * `generation` is stamped by each rebuild, in both files.
 */
export const searchIndexFile: Migration = {
  version: 66,
  name: 'search index in its own file',
  up(db) {
    db.exec(`
      DROP TRIGGER IF EXISTS message_search_insert;
      DROP TRIGGER IF EXISTS message_search_delete;
      DROP TRIGGER IF EXISTS message_search_update;
      DROP TRIGGER IF EXISTS message_search_conversation_delete;
      DROP TABLE IF EXISTS message_search_instance;
      DROP TABLE IF EXISTS message_search;
      DROP TABLE IF EXISTS message_search_keys;

      CREATE TABLE search_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        changes INTEGER NOT NULL,
        generation TEXT
      ) STRICT;
      INSERT INTO search_sync (id, changes) VALUES (1, 0);

      CREATE TRIGGER search_sync_insert AFTER INSERT ON messages BEGIN
        UPDATE search_sync SET changes = changes + 1;
      END;
      CREATE TRIGGER search_sync_delete AFTER DELETE ON messages BEGIN
        UPDATE search_sync SET changes = changes + 1;
      END;
      CREATE TRIGGER search_sync_update AFTER UPDATE OF body ON messages
      WHEN new.body IS NOT old.body BEGIN
        UPDATE search_sync SET changes = changes + 1;
      END;
    `);
  },
};
