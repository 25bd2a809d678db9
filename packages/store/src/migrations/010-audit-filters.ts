import type { Migration } from './index.ts';

/**
 * Indexes for the audit page's filters and exports. Pages run newest first by
 * (at, seq), so every index ends in `at` (SQLite appends the rowid, `seq`) and
 * serves a date range and the keyset position from the same seek. The time
 * index also carries `seq` and `actor_label`, so a search for text in the
 * actor's label reads only this compact index, not the entries. `at` alone
 * serves the appliance-wide export of the command line; `action` alone finds
 * the newest `audit.verified` entry for the page's chain status. (Version 9
 * belongs to other audit work.)
 */
export const auditFilters: Migration = {
  version: 10,
  name: 'audit filters',
  up(db) {
    db.exec(`
      CREATE INDEX audit_log_by_workspace_time
        ON audit_log(workspace_id, at, seq, actor_label);
      CREATE INDEX audit_log_by_workspace_action ON audit_log(workspace_id, action, at);
      CREATE INDEX audit_log_by_workspace_actor ON audit_log(workspace_id, actor_id, at);
      CREATE INDEX audit_log_by_workspace_target_type
        ON audit_log(workspace_id, target_type, at);
      CREATE INDEX audit_log_by_workspace_target_id
        ON audit_log(workspace_id, target_id, at);
      CREATE INDEX audit_log_by_time ON audit_log(at);
      CREATE INDEX audit_log_by_action ON audit_log(action);
    `);
  },
};
