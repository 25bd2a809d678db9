import type { Migration } from './index.ts';

/**
 * A workspace's privacy settings (issue #8, parts 8 and 9): which media
 * kinds it keeps, whether card and identity numbers are masked and profile
 * names dropped before anything is stored, and who people write to about
 * their data (privacy contact, grievance officer). One row per workspace;
 * a workspace without one keeps everything and names nobody.
 */
export const privacySettings: Migration = {
  version: 56,
  name: 'privacy settings',
  up(db) {
    db.exec(`
      CREATE TABLE privacy_settings (
        workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        -- JSON array of the media kinds not kept, e.g. ["video","sticker"].
        dropped_media TEXT NOT NULL DEFAULT '[]',
        mask_card_numbers INTEGER NOT NULL DEFAULT 0 CHECK (mask_card_numbers IN (0, 1)),
        mask_identity_numbers INTEGER NOT NULL DEFAULT 0
          CHECK (mask_identity_numbers IN (0, 1)),
        drop_profile_names INTEGER NOT NULL DEFAULT 0 CHECK (drop_profile_names IN (0, 1)),
        -- JSON objects {name, email, phone}, or NULL when nobody is named.
        privacy_contact TEXT,
        grievance_officer TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
