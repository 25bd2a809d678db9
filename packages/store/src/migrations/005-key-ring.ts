import type { Migration } from './index.ts';

/**
 * The key ring: master keys that wrap the data keys of stored secrets, each
 * itself wrapped by the root key's secrets subkey. A retired key keeps its id
 * and times for the record but loses its material, so it can never be used
 * again. `wrapped_key_next` holds a copy wrapped for a new root key while a
 * database rekey is under way.
 */
export const keyRing: Migration = {
  version: 5,
  name: 'key-ring',
  up(db) {
    db.exec(`
      CREATE TABLE key_ring (
        id TEXT PRIMARY KEY CHECK (length(id) = 32),
        purpose TEXT NOT NULL CHECK (purpose IN ('secrets')),
        wrapped_key BLOB,
        wrapped_key_next BLOB,
        created_at INTEGER NOT NULL,
        retired_at INTEGER,
        CHECK ((retired_at IS NULL) = (wrapped_key IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX key_ring_one_active ON key_ring(purpose)
        WHERE retired_at IS NULL;
    `);
  },
};
