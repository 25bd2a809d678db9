import type { Migration } from './index.ts';

/**
 * Template status webhooks arrive out of order and again (review of issue
 * #6): the last one to arrive used to win, so Meta redelivering an old
 * APPROVED after a PAUSED made a paused template sendable. Each template now
 * keeps the time of the decision its status came from (`status_at`, from
 * `entry[].time` or the sync) and only a newer one replaces it. The latest
 * webhook event is kept apart for display (`last_event`): FLAGGED or
 * UNARCHIVED name what happened without making an approved template
 * unsendable.
 *
 * An update for a template not synced yet used to change nothing and be
 * lost; it is kept in `template_status_pending` until a sync brings the
 * template, then applied by the same newest-wins rule.
 */
export const templateStatusTime: Migration = {
  version: 33,
  name: 'template status time',
  up(db) {
    db.exec(`
      ALTER TABLE message_templates ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE message_templates ADD COLUMN last_event TEXT;
      ALTER TABLE message_templates ADD COLUMN last_event_at INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE template_status_pending (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        business_account_id TEXT NOT NULL,
        wa_template_id TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        event TEXT NOT NULL,
        status TEXT,
        reason TEXT,
        occurred_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (workspace_id, business_account_id, wa_template_id, name, language, event,
          occurred_at)
      ) STRICT;
    `);
  },
};
