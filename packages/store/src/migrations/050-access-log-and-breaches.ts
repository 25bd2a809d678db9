import type { Migration } from './index.ts';

/**
 * The access log of personal data and the breach register (issue #8, parts
 * 6 and 7).
 *
 * `access_log` says who read, searched or exported which contact. A contact
 * is named only by a keyed hash of its number (`contact_hash`, HMAC under
 * the workspace's `access_log_keys` key, wrapped by the key ring), so an
 * erased contact leaves nothing readable here and the log needs no rewrite.
 * Rows are hash-chained like the audit log (`prev_hash`, `hash`) and the
 * database refuses to change or delete them: someone who drops the guards
 * still leaves an edited, inserted or deleted row that breaks the chain.
 *
 * `breaches` holds the incidents; `breach_clocks` one row per notification
 * duty (CERT-In, people, the Board, the GDPR authority) with when it was done.
 */
export const accessLogAndBreaches: Migration = {
  version: 50,
  name: 'access log and breaches',
  up(db) {
    db.exec(`
      CREATE TABLE access_log_keys (
        workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
        key_wrapped BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE access_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor_id TEXT,
        actor_label TEXT,
        action TEXT NOT NULL CHECK (action IN
          ('read', 'search', 'export', 'download', 'correct', 'erase')),
        via TEXT NOT NULL,
        contact_hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX access_log_by_contact ON access_log (workspace_id, contact_hash, at);
      CREATE INDEX access_log_by_actor ON access_log (workspace_id, actor_id, at);
      CREATE INDEX access_log_by_time ON access_log (workspace_id, at);
      -- Append-only, like the audit log. Retention of access logs (issue #8,
      -- part 4) will need a guarded way to cut the oldest rows, as audit_log has.
      CREATE TRIGGER access_log_refuses_update BEFORE UPDATE ON access_log
      BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
      CREATE TRIGGER access_log_refuses_delete BEFORE DELETE ON access_log
      BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;

      CREATE TABLE breaches (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        title TEXT NOT NULL,
        aware_at INTEGER NOT NULL,
        occurred_at INTEGER,
        details_json TEXT NOT NULL,
        people_target_hours INTEGER NOT NULL,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX breaches_by_workspace ON breaches (workspace_id, aware_at);
      CREATE TABLE breach_clocks (
        breach_id TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
        duty TEXT NOT NULL CHECK (duty IN ('cert_in', 'people', 'board', 'gdpr')),
        done_at INTEGER,
        reference TEXT,
        PRIMARY KEY (breach_id, duty)
      );
    `);
  },
};
