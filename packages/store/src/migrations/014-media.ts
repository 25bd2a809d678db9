import type { Migration } from './index.ts';

/**
 * Media of inbound messages (issue #5). A row is written with its message,
 * in state `pending`, before Meta's webhook is acknowledged; the fetcher
 * then downloads, seals and stores the file and fills in where it went.
 * `key_wrapped` is the file's own AES-256 key, wrapped by the key ring (so
 * `keys rotate` reseals it); the object holds only ciphertext, and
 * `sealed_size` / `sealed_sha256` are what the tier store checks on read.
 * `failure_reason` is a stable code the agent is shown in words.
 */
export const media: Migration = {
  version: 14,
  name: 'media',
  up(db) {
    db.exec(`
      CREATE TABLE media (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
        number_id TEXT NOT NULL REFERENCES whatsapp_numbers(id) ON DELETE CASCADE,
        wa_media_id TEXT NOT NULL,
        kind TEXT NOT NULL
          CHECK (kind IN ('image', 'audio', 'video', 'document', 'sticker')),
        filename TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at INTEGER,
        failure_reason TEXT,
        mime_type TEXT,
        size INTEGER CHECK (size >= 0),
        object_key TEXT,
        provider_id TEXT,
        sealed_size INTEGER,
        sealed_sha256 TEXT,
        key_wrapped BLOB,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK (state <> 'stored' OR (object_key IS NOT NULL AND key_wrapped IS NOT NULL
          AND sealed_size IS NOT NULL AND sealed_sha256 IS NOT NULL AND size IS NOT NULL)),
        CHECK (state <> 'failed' OR failure_reason IS NOT NULL)
      ) STRICT;
      -- What the fetcher resumes at start, soonest first.
      CREATE INDEX media_pending ON media (next_attempt_at) WHERE state = 'pending';
    `);
  },
};
