import type { Migration } from './index.ts';

/**
 * Consent per contact (issue #6). `contact_consent` holds where each
 * contact stands for one purpose (today `marketing`; the purpose column lets
 * a later consent register add others without a new table), and who moved
 * it last: a keyword the customer wrote, Meta's user-preference webhook,
 * Meta's opted-out error (131050) or an agent. `consent_events` keeps every
 * change, so the register can show the history with its sources. Columns a
 * register will want (opt-in notice version, language) are left for it to
 * add; nothing here has to change for that.
 *
 * `consent_keywords` holds a workspace's own STOP / START words; a workspace
 * without rows uses the built-in lists.
 */
export const consent: Migration = {
  version: 20,
  name: 'consent',
  up(db) {
    db.exec(`
      CREATE TABLE contact_consent (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('marketing')),
        state TEXT NOT NULL CHECK (state IN ('opted_in', 'opted_out')),
        source TEXT NOT NULL
          CHECK (source IN ('keyword', 'preference_webhook', 'opted_out_error', 'agent')),
        number_id TEXT REFERENCES whatsapp_numbers(id) ON DELETE SET NULL,
        changed_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, contact_id, purpose)
      ) STRICT;

      CREATE TABLE consent_events (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('opted_in', 'opted_out')),
        source TEXT NOT NULL,
        number_id TEXT REFERENCES whatsapp_numbers(id) ON DELETE SET NULL,
        -- The keyword, the preference's detail, the error code, the agent's id.
        detail TEXT,
        occurred_at INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX consent_events_by_contact
        ON consent_events (workspace_id, contact_id, occurred_at);

      CREATE TABLE consent_keywords (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('stop', 'start')),
        keyword TEXT NOT NULL CHECK (length(keyword) BETWEEN 1 AND 40),
        PRIMARY KEY (workspace_id, kind, keyword)
      ) STRICT;
    `);
  },
};
