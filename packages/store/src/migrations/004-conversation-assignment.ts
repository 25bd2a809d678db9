import type { Migration } from './index.ts';

/**
 * Conversations get an assignee: the member who answers it, or nobody.
 * The column points at a user, not a membership (SQLite cannot set only part
 * of a composite key to NULL), so the access layer clears a member's
 * assignments in the same transaction that removes them; the cascade here
 * covers a user row that disappears altogether. The index serves the inbox
 * filters "mine" and "unassigned".
 */
export const conversationAssignment: Migration = {
  version: 4,
  name: 'conversation-assignment',
  up(db) {
    db.exec(`
      ALTER TABLE conversations
        ADD COLUMN assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL;
      CREATE INDEX conversations_by_assignee
        ON conversations(workspace_id, assignee_id, last_message_at DESC);
    `);
  },
};
