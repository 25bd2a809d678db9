import type { Migration } from './index.ts';

/**
 * Two-factor sign-in: each person's TOTP secret (wrapped under the secrets
 * key, never stored plain), their one-time recovery codes (hashes only), the
 * short-lived challenges between the password step and the code step, and
 * the workspace setting that makes two-factor compulsory for OWNERs and ADMINs.
 */
export const twoFactor: Migration = {
  version: 6,
  name: 'two-factor',
  up(db) {
    db.exec(`
      CREATE TABLE two_factor (
        user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_wrapped BLOB,
        pending_wrapped BLOB,
        enabled_at INTEGER,
        last_step INTEGER
      ) STRICT;

      CREATE TABLE recovery_codes (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (user_id, code_hash)
      ) STRICT;

      CREATE TABLE login_challenges (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
