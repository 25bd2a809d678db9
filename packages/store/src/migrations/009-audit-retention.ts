import type { Migration } from './index.ts';

/**
 * Attribution and retention for the audit log.
 *
 * - `request_id` ties an entry to the request that caused it (the same id is
 *   sent back in `X-Request-Id` and written to the server log).
 * - `audit_settings` holds how long entries are kept; the database itself
 *   refuses anything under twelve months.
 * - `audit_anchors` records each prune: the first entry kept and the hash it
 *   links back to, so the chain stays verifiable after older entries go.
 *   Anchors, like entries, can only be added.
 */
export const auditRetention: Migration = {
  version: 9,
  name: 'audit retention',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN request_id TEXT;

      CREATE TABLE audit_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        retention_months INTEGER NOT NULL CHECK (retention_months BETWEEN 12 AND 1200)
      ) STRICT;
      INSERT INTO audit_settings (id, retention_months) VALUES (1, 12);

      CREATE TABLE audit_anchors (
        first_seq INTEGER PRIMARY KEY,
        prev_hash TEXT NOT NULL,
        pruned_at INTEGER NOT NULL,
        pruned_count INTEGER NOT NULL,
        cutoff INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_anchors_refuse_update BEFORE UPDATE ON audit_anchors
      BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
      CREATE TRIGGER audit_anchors_refuse_delete BEFORE DELETE ON audit_anchors
      BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
    `);
  },
};
