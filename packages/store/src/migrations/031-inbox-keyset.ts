import type { Migration } from './index.ts';

/**
 * The inbox list orders conversations by their last message and then by id,
 * so that a keyset page (`before` a row) never skips or repeats
 * conversations whose last messages share a millisecond. The recency and
 * assignee indexes end in the id too: without it SQLite sorted every page
 * in a temporary B-tree (EXPLAIN QUERY PLAN: "USE TEMP B-TREE FOR LAST TERM
 * OF ORDER BY") and a keyset page could not stop at its limit.
 */
export const inboxKeyset: Migration = {
  version: 31,
  name: 'inbox keyset',
  up(db) {
    db.exec(`
      DROP INDEX conversations_by_recency;
      CREATE INDEX conversations_by_recency
        ON conversations(workspace_id, last_message_at DESC, id DESC);
      DROP INDEX conversations_by_assignee;
      CREATE INDEX conversations_by_assignee
        ON conversations(workspace_id, assignee_id, last_message_at DESC, id DESC);
    `);
  },
};
