import type { Migration } from './index.ts';

/**
 * S3-compatible storage providers (Cloudflare R2, iDrive e2, any S3). The
 * local disk is the built-in default and needs no row. The secret access
 * key is stored only sealed under the key ring, bound to its row
 * (`storage_providers/<id>/secret_access_key`), and `keys rotate` reseals
 * it with the other secrets. `verified_at` is when the settings last passed
 * the live check (bucket found, a probe written, read and deleted).
 * Versions 9 and 10 belong to the audit log.
 */
export const storageProviders: Migration = {
  version: 11,
  name: 'storage providers',
  up(db) {
    db.exec(`
      CREATE TABLE storage_providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
        preset TEXT NOT NULL CHECK (preset IN ('r2', 'e2', 's3-compatible')),
        endpoint TEXT NOT NULL,
        region TEXT NOT NULL,
        bucket TEXT NOT NULL,
        access_key_id TEXT NOT NULL,
        secret_access_key_wrapped BLOB NOT NULL,
        verified_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
