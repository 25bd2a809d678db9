import type { Migration } from './index.ts';

/**
 * Message templates as Graph lists them for a business account (issue #6):
 * `GET /<WABA_ID>/message_templates`. A template is one name in one
 * language; `components_json` is Graph's `components` array, kept whole,
 * from which the variables a send must fill are read. `status` is Graph's
 * (APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …), so a status Meta adds
 * later is stored rather than refused; only APPROVED may be sent.
 */
export const templates: Migration = {
  version: 21,
  name: 'templates',
  up(db) {
    db.exec(`
      CREATE TABLE message_templates (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        business_account_id TEXT NOT NULL,
        wa_template_id TEXT,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        category TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        components_json TEXT NOT NULL DEFAULT '[]',
        synced_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (workspace_id, business_account_id, name, language)
      ) STRICT;
      CREATE INDEX message_templates_by_wa_id
        ON message_templates (workspace_id, wa_template_id);
    `);
  },
};
