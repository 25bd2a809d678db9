import type { Migration } from './index.ts';

/**
 * Migration 029 already ended these two indexes in the id, for the agent
 * desk's keyset pages. The inbox list orders conversations by their last message and then by id,
 * so that a keyset page (`before` a row) never skips or repeats
 * conversations whose last messages share a millisecond. The recency and
 * assignee indexes end in the id too: without it SQLite sorted every page
 * in a temporary B-tree (EXPLAIN QUERY PLAN: "USE TEMP B-TREE FOR LAST TERM
 * OF ORDER BY") and a keyset page could not stop at its limit.
 *
 * Both also carry the other columns the list shows of a conversation, so a
 * page reads no conversation row, only its index (about 100 bytes more per
 * conversation): at a million messages across 100,000 conversations this
 * took 10 to 20% off the list's p50 and p99 (`npm run bench:inbox`). A
 * column added to the list's SELECT belongs here too, or every row is read
 * again.
 */
export const inboxKeyset: Migration = {
  version: 31,
  name: 'inbox keyset',
  up(db) {
    db.exec(`
      DROP INDEX IF EXISTS conversations_by_recency;
      CREATE INDEX conversations_by_recency
        ON conversations(workspace_id, last_message_at DESC, id DESC,
          number_id, contact_id, assignee_id, status, last_inbound_at, unread_count,
          inbound_count);
      DROP INDEX IF EXISTS conversations_by_assignee;
      CREATE INDEX conversations_by_assignee
        ON conversations(workspace_id, assignee_id, last_message_at DESC, id DESC,
          number_id, contact_id, status, last_inbound_at, unread_count, inbound_count);
    `);
  },
};
