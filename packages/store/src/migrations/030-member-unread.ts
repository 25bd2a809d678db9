import type { Migration } from './index.ts';

/**
 * Unread counts per member (issue #6): each agent's count clears when they
 * open the conversation, not when a colleague does.
 *
 * `conversations.inbound_count` counts the customer's messages, ever; a
 * member's `conversation_reads.read_count` is that count when they last
 * opened it, so their unread count is the difference: one primary-key
 * lookup per listed conversation, and the intake writes nothing per member.
 * Existing conversations start with their team count as everyone's.
 * `unread_count` stays: the team's count, which a reply also clears.
 */
export const memberUnread: Migration = {
  version: 30,
  name: 'member unread',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN inbound_count INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations SET inbound_count = unread_count;

      CREATE TABLE conversation_reads (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        read_count INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT;
      CREATE INDEX conversation_reads_by_user ON conversation_reads(user_id);
    `);
  },
};
