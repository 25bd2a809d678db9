import type { Migration } from './index.ts';

/**
 * The Board's first intimation as a duty of its own (review of issue #8):
 * DPDP Rules 2025, rule 7(2)(a) asks for it without delay, apart from the
 * detailed report of rule 7(2)(b) within 72 hours. SQLite cannot widen a
 * CHECK in place, so `breach_clocks` is rebuilt with its rows kept.
 */
export const boardIntimationDuty: Migration = {
  version: 69,
  name: 'board intimation duty',
  up(db) {
    db.exec(`
      CREATE TABLE breach_clocks_069 (
        breach_id TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
        duty TEXT NOT NULL CHECK (duty IN
          ('cert_in', 'people', 'board_intimation', 'board', 'gdpr')),
        done_at INTEGER,
        reference TEXT,
        PRIMARY KEY (breach_id, duty)
      );
      INSERT INTO breach_clocks_069 (breach_id, duty, done_at, reference)
        SELECT breach_id, duty, done_at, reference FROM breach_clocks;
      DROP TABLE breach_clocks;
      ALTER TABLE breach_clocks_069 RENAME TO breach_clocks;
    `);
  },
};
