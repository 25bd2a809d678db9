import type { Migration } from './index.ts';

/**
 * Every inbound Cloud API event, stored once (issue #6).
 *
 * `messages.content_json` holds what the agent is shown of a message of any
 * kind (location, reply, order, reaction, …), read from the raw message at
 * intake; NULL for outbound messages and rows stored before it existed.
 *
 * `contacts.previous_contact_id` links the contact of a customer's new
 * number to the contact of the number they left (a `user_changed_number`
 * system message), whichever of the two arrived first.
 *
 * `whatsapp_errors.digest` makes a repeated `value.errors` delivery store
 * once; older rows keep NULL, which the unique index lets through.
 *
 * `webhook_events` keeps the raw value of every subscribed field no handler
 * reads yet (account_update, …), once per distinct value.
 */
export const inboundKinds: Migration = {
  version: 17,
  name: 'inbound kinds',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN content_json TEXT;

      ALTER TABLE contacts ADD COLUMN previous_contact_id TEXT
        REFERENCES contacts(id) ON DELETE SET NULL;

      ALTER TABLE whatsapp_errors ADD COLUMN digest TEXT;
      CREATE UNIQUE INDEX whatsapp_errors_once
        ON whatsapp_errors(workspace_id, number_id, digest);

      CREATE TABLE webhook_events (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        number_id TEXT NOT NULL REFERENCES whatsapp_numbers(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        raw_json TEXT NOT NULL,
        digest TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (workspace_id, number_id, field, digest)
      ) STRICT;
    `);
  },
};
