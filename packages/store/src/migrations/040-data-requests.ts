import type { Migration } from './index.ts';

/**
 * The request desk (issue #8): requests people make about their own data
 * under GDPR or India's DPDP Act, and each one's clock.
 *
 * `requester` is how the person named themselves, kept only so the desk can
 * answer them; `contact_id` links the WhatsApp contact once identity is
 * verified (set to NULL if that contact is erased, so the request and its
 * closure survive as the record that the duty was met). `due_at` is worked
 * out from `received_at` and the law, and moves only by a recorded
 * extension. Refusals name the authority the person can complain to.
 *
 * `data_request_authorities` holds the supervisory authority per workspace
 * and law, when the admin set one (DPDP has a default in code).
 */
export const dataRequests: Migration = {
  version: 40,
  name: 'data requests',
  up(db) {
    db.exec(`
      CREATE TABLE data_requests (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        kind TEXT NOT NULL
          CHECK (kind IN ('access', 'correction', 'erasure', 'grievance', 'nomination')),
        law TEXT NOT NULL CHECK (law IN ('GDPR', 'DPDP')),
        requester TEXT NOT NULL,
        contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
        received_at INTEGER NOT NULL,
        logged_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        verification_method TEXT,
        verified_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        verified_at INTEGER,
        status TEXT NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'verified', 'extended', 'fulfilled', 'refused')),
        due_at INTEGER NOT NULL,
        extended_until INTEGER,
        extension_told_at INTEGER,
        extension_reason TEXT,
        refusal_reason TEXT,
        refusal_authority TEXT,
        closed_at INTEGER,
        closed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX data_requests_by_due
        ON data_requests(workspace_id, closed_at, due_at);

      CREATE TABLE data_request_authorities (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        law TEXT NOT NULL CHECK (law IN ('GDPR', 'DPDP')),
        authority TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, law)
      ) STRICT;
    `);
  },
};
