import type { Migration } from './index.ts';

/**
 * Retention of the access log of personal data (issue #8, parts 4 and 6).
 *
 * The `security_log` retention rule removes the oldest entries, always a
 * prefix of the chain. `access_log_anchors` keeps, for each cut, the first
 * entry kept and the hash it links back to (the last removed entry's hash),
 * so the rest of the chain still verifies from there, and an entry removed
 * outside a cut (at the start or in the middle) still breaks it. Anchors,
 * like the log, are never changed or removed.
 */
export const accessLogAnchors: Migration = {
  version: 54,
  name: 'access log anchors',
  up(db) {
    db.exec(`
      CREATE TABLE access_log_anchors (
        first_seq INTEGER PRIMARY KEY,
        prev_hash TEXT NOT NULL,
        pruned_at INTEGER NOT NULL,
        pruned_count INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER access_log_anchors_refuse_update BEFORE UPDATE ON access_log_anchors
      BEGIN SELECT RAISE(ABORT, 'access_log_anchors is append-only'); END;
      CREATE TRIGGER access_log_anchors_refuse_delete BEFORE DELETE ON access_log_anchors
      BEGIN SELECT RAISE(ABORT, 'access_log_anchors is append-only'); END;
    `);
  },
};
