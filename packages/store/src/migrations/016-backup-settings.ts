import type { Migration } from './index.ts';

/**
 * Off-site backups (issue #5). `backup_keys` holds the key every backup
 * object is sealed with: random, created once per appliance by the running
 * code (a migration has no key ring to seal it with), and stored only
 * sealed by the key ring, so `keys rotate` reseals it with the other
 * secrets. `fingerprint` names the key on objects and in the recovery kit;
 * a table rather than a single row leaves room for replacing the key while
 * older objects still name the old one.
 *
 * `backup_schedule` is the appliance-wide retention schedule, one row; no
 * row means the built-in default, so a fresh appliance needs no settings.
 */
export const backupSettings: Migration = {
  version: 16,
  name: 'backup key and schedule',
  up(db) {
    db.exec(`
      CREATE TABLE backup_keys (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        key_wrapped BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE backup_schedule (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        changes_days INTEGER NOT NULL CHECK (changes_days > 0),
        daily_days INTEGER NOT NULL CHECK (daily_days > 0),
        monthly_months INTEGER NOT NULL CHECK (monthly_months >= 0),
        snapshot_hour_utc INTEGER NOT NULL CHECK (snapshot_hour_utc BETWEEN 0 AND 23),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
