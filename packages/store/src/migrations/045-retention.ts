import type { Migration } from './index.ts';

/**
 * Retention (issue #8): a workspace's rules per data category, the legal
 * holds that block deletion, the inactivity notices sent before a contact
 * is purged, and what each run removed. A hold names a contact or a
 * conversation by id without a foreign key: it is a record of a legal duty
 * and outlives what it covers only if someone deletes around it.
 */
export const retention: Migration = {
  version: 45,
  name: 'retention',
  up(db) {
    db.exec(`
      CREATE TABLE retention_rules (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        category TEXT NOT NULL CHECK (category IN
          ('conversations', 'media', 'inactive_contacts', 'audit_log', 'security_log')),
        days INTEGER NOT NULL CHECK (days > 0),
        notice_template_id TEXT,
        -- Who set the rule: the inactivity notice is sent in their name.
        updated_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, category)
      ) STRICT;

      CREATE TABLE legal_holds (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT,
        conversation_id TEXT,
        reason TEXT NOT NULL,
        placed_by TEXT NOT NULL,
        placed_at INTEGER NOT NULL,
        released_by TEXT,
        released_at INTEGER,
        CHECK (contact_id IS NOT NULL OR conversation_id IS NOT NULL)
      ) STRICT;
      CREATE INDEX legal_holds_active ON legal_holds (workspace_id)
        WHERE released_at IS NULL;

      CREATE TABLE retention_notices (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL,
        noticed_at INTEGER NOT NULL,
        purge_after INTEGER NOT NULL,
        -- Messages the contact had written when told: one more cancels the purge.
        inbound_seen INTEGER NOT NULL,
        cancelled_at INTEGER,
        PRIMARY KEY (workspace_id, contact_id)
      ) STRICT;

      CREATE TABLE retention_runs (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        counts_json TEXT NOT NULL
      ) STRICT;
    `);
  },
};
