import {
  AUDIT_CHAIN_COLUMNS,
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  type AuditChainFields,
} from '../audit-chain.ts';
import type { Migration } from './index.ts';

/**
 * Chains the audit log: every entry carries the hash of the one before it
 * and its own. Entries written before this version are chained here, in
 * order, with the append-only trigger lifted for exactly this backfill.
 */
export const auditChain: Migration = {
  version: 8,
  name: 'audit chain',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit_log ADD COLUMN hash TEXT;
      DROP TRIGGER audit_log_refuses_update;
    `);
    const rows = db
      .prepare(`SELECT seq, ${AUDIT_CHAIN_COLUMNS} FROM audit_log ORDER BY seq`)
      .all() as (AuditChainFields & { seq: number })[];
    const update = db.prepare(
      'UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?',
    );
    let prev = AUDIT_GENESIS_HASH;
    for (const row of rows) {
      const hash = auditEntryHash(prev, row);
      update.run(prev, hash, row.seq);
      prev = hash;
    }
    db.exec(`
      CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};
