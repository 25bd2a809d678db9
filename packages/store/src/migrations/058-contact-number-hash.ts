import type { Migration } from './index.ts';

/**
 * A contact's number sealed under its contact's key (issue 8): a snapshot
 * taken before an erasure must not keep the number readable. Lookups by
 * number go through `wa_hash` instead, the erasure ledger's keyed hash of
 * the normalised number (`ContactVault.hashNumber`), unique per workspace;
 * the ledger's re-apply after a restore is then one index lookup per entry.
 *
 * Status reports name their recipient, and kept webhook values the one
 * contact they were sealed for: `recipient_hash` and `contact_hash` let an
 * erasure find them once their payloads are sealed.
 *
 * The hash key lives in the contact vault, which a migration cannot reach
 * (the database opens before the vault). Existing rows keep `wa_hash` NULL
 * and their number in plain text until the server's first start seals them
 * (`ContactRepo.sealPlainNumbers`), before it serves; a row without a hash
 * is still found by its plain number meanwhile.
 */
export const contactNumberHash: Migration = {
  version: 58,
  name: 'contact number hash',
  up(db) {
    db.exec(`
      ALTER TABLE contacts ADD COLUMN wa_hash TEXT
        CHECK (wa_hash IS NULL OR length(wa_hash) = 64);
      CREATE UNIQUE INDEX contacts_by_number_hash ON contacts (workspace_id, wa_hash);
      ALTER TABLE message_statuses ADD COLUMN recipient_hash TEXT;
      CREATE INDEX message_statuses_by_recipient
        ON message_statuses (workspace_id, recipient_hash)
        WHERE recipient_hash IS NOT NULL;
      ALTER TABLE webhook_events ADD COLUMN contact_hash TEXT;
      CREATE INDEX webhook_events_by_contact ON webhook_events (workspace_id, contact_hash)
        WHERE contact_hash IS NOT NULL;
    `);
  },
};
