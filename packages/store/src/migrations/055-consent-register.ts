import type { Migration } from './index.ts';

/**
 * The consent register (issue #8, part 5). A workspace defines its own
 * purposes beside `marketing`, and keeps the notices it shows people, one
 * text per version and language. An opt-in records where it came from
 * (agent, admin, import, …), the notice version and the language the person
 * read, on the record and in the history. SQLite cannot drop the CHECK
 * that held purposes to `marketing`, so `contact_consent` is rebuilt.
 */
export const consentRegister: Migration = {
  version: 55,
  name: 'consent register',
  up(db) {
    db.exec(`
      CREATE TABLE contact_consent_new (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 40),
        state TEXT NOT NULL CHECK (state IN ('opted_in', 'opted_out')),
        source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
        number_id TEXT REFERENCES whatsapp_numbers(id) ON DELETE SET NULL,
        changed_at INTEGER NOT NULL,
        notice_version TEXT,
        language TEXT,
        PRIMARY KEY (workspace_id, contact_id, purpose)
      ) STRICT;
      INSERT INTO contact_consent_new (workspace_id, contact_id, purpose, state, source,
        number_id, changed_at)
        SELECT workspace_id, contact_id, purpose, state, source, number_id, changed_at
        FROM contact_consent;
      DROP TABLE contact_consent;
      ALTER TABLE contact_consent_new RENAME TO contact_consent;

      ALTER TABLE consent_events ADD COLUMN notice_version TEXT;
      ALTER TABLE consent_events ADD COLUMN language TEXT;

      CREATE TABLE consent_purposes (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose GLOB '[a-z]*' AND length(purpose) <= 40),
        description TEXT NOT NULL,
        PRIMARY KEY (workspace_id, purpose)
      ) STRICT;

      CREATE TABLE consent_notices (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 40),
        language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 16),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, version, language)
      ) STRICT;
    `);
  },
};
