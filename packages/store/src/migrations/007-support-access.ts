import type { Migration } from './index.ts';

/**
 * Time-boxed support access. One row per grant: who the support person is,
 * which OWNER granted it and until when. The credential the OWNER hands over
 * and the session it turns into are stored only as hashes; the credential's
 * hash is cleared when it is redeemed, so it works once, and the session's
 * when the grant ends, so the cookie stops working at once. `ended_at` and
 * `end_reason` record how an active grant stopped before or at its expiry.
 */
export const supportAccess: Migration = {
  version: 7,
  name: 'support-access',
  up(db) {
    db.exec(`
      CREATE TABLE support_grants (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        email TEXT,
        reason TEXT,
        granted_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        granted_by_email TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        credential_hash TEXT UNIQUE,
        credential_expires_at INTEGER NOT NULL,
        redeemed_at INTEGER,
        session_hash TEXT UNIQUE,
        ended_at INTEGER,
        end_reason TEXT CHECK (end_reason IN ('revoked', 'expired', 'signed_out'))
      ) STRICT;
      CREATE INDEX support_grants_by_workspace ON support_grants(workspace_id, expires_at);
    `);
  },
};
