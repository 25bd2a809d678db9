import type { Migration } from './index.ts';

/**
 * What a consent event was (review of issue #8): a `change` moved the
 * record; a `resumption` is a START or WhatsApp resume that lifted an
 * opt-out of a consent once given with a notice, and carries that notice
 * again; a `request` is a START with no withdrawn notice-backed opt-in to
 * lift, kept as asked but giving no consent. Existing events
 * were all changes.
 */
export const consentEventKind: Migration = {
  version: 63,
  name: 'consent event kind',
  up(db) {
    db.exec(`
      ALTER TABLE consent_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'change'
        CHECK (kind IN ('change', 'resumption', 'request'));
    `);
  },
};
