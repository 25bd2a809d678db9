import type { Migration } from './index.ts';

/**
 * The agent desk (issue #6): a conversation's status, and internal notes.
 *
 * `status` is open, pending (waiting on the customer or someone else) or
 * resolved. Each inbox list names an index (`conversationIndexFor`): by
 * recency, by assignee ("mine", "unassigned"), by status, by status and
 * assignee, and by the number a conversation is on. The trailing `id` makes
 * the keyset cursor (last_message_at, id) an index walk with no sort, so the
 * two indexes of migrations 001 and 004 are made again, under the same
 * names, with it.
 *
 * `notes` are the team's own words about a contact, optionally written in
 * one of its conversations; they are never sent to the customer.
 */
export const agentDesk: Migration = {
  version: 29,
  name: 'agent desk',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'pending', 'resolved'));
      DROP INDEX conversations_by_recency;
      CREATE INDEX conversations_by_recency
        ON conversations(workspace_id, last_message_at DESC, id DESC);
      DROP INDEX conversations_by_assignee;
      CREATE INDEX conversations_by_assignee
        ON conversations(workspace_id, assignee_id, last_message_at DESC, id DESC);
      CREATE INDEX conversations_by_status
        ON conversations(workspace_id, status, last_message_at DESC, id DESC);
      CREATE INDEX conversations_by_status_assignee
        ON conversations(workspace_id, status, assignee_id, last_message_at DESC, id DESC);
      CREATE INDEX conversations_by_number
        ON conversations(workspace_id, number_id, last_message_at DESC, id DESC);
      CREATE INDEX conversations_by_contact ON conversations(workspace_id, contact_id);

      CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
        author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX notes_by_contact ON notes(workspace_id, contact_id, created_at DESC);
    `);
  },
};
