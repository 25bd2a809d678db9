import type { Migration } from './index.ts';

/**
 * Sessions get an id their owner may see and name to revoke one: the
 * primary key is the hash of the cookie and never leaves the server. Sessions
 * already had `last_seen_at` from version 1; from this version the access
 * layer keeps it current and refuses sessions idle for too long.
 *
 * `login_throttle` remembers failed sign-ins per account (a hash of the
 * normalised email, whether or not the account exists) and per client
 * address, so that a restart does not give an attacker fresh attempts.
 */
export const sessionsAndLogin: Migration = {
  version: 3,
  name: 'sessions-and-login',
  up(db) {
    db.exec(`
      ALTER TABLE sessions ADD COLUMN public_id TEXT;
      UPDATE sessions SET public_id = lower(hex(randomblob(16)));
      CREATE UNIQUE INDEX sessions_by_public_id ON sessions(public_id);

      CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL CHECK (failures > 0),
        last_failure_at INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
