import type { Migration } from './index.ts';

/**
 * An error Meta reports in `value.errors` may name a customer's number (in
 * its message or details). Its raw JSON is then sealed under that contact's
 * key (`sealWebhookError`) and `contact_hash`, the number's keyed hash, lets
 * an erasure find it, as `webhook_events.contact_hash` does (migration 058).
 *
 * Rows written before this migration are kept as they are: an erasure still
 * finds them by the plain number in their raw JSON.
 */
export const sealedWebhookErrors: Migration = {
  version: 67,
  name: 'sealed webhook errors',
  up(db) {
    db.exec(`
      ALTER TABLE whatsapp_errors ADD COLUMN contact_hash TEXT;
      CREATE INDEX whatsapp_errors_by_contact ON whatsapp_errors (workspace_id, contact_hash)
        WHERE contact_hash IS NOT NULL;
    `);
  },
};
