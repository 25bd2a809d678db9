import type { Migration } from './index.ts';

/**
 * Failover (issue #5). `storage_object_locations` records every provider
 * that holds, or may hold, an object of a tier: one row per owner, tier,
 * key and provider. The owner is a workspace, or the appliance itself
 * (`workspace_id` NULL, e.g. database backups); `provider_id` NULL is the
 * built-in local disk, and a saved provider is referenced with RESTRICT, so
 * one still holding objects cannot be removed.
 *
 * A row with `sha256` is a copy whose write succeeded, with the size and
 * SHA-256 the provider computed; `attempt_at` says a write began there and
 * is not known to have finished (a failure, a timeout, a stop mid-write), or
 * that the copy must go (an older version, a delete the provider could not
 * take yet). NULLs are distinct in a UNIQUE constraint, hence the index on
 * `coalesce`.
 *
 * `metrics_tokens` holds the bearer tokens of `/metrics`, which the operator
 * makes with `flowgento metrics token`: only their SHA-256 is stored.
 */
export const objectLocations: Migration = {
  version: 13,
  name: 'object locations and metrics tokens',
  up(db) {
    db.exec(`
      CREATE TABLE storage_object_locations (
        workspace_id TEXT REFERENCES workspaces(id),
        tier TEXT NOT NULL CHECK (tier IN ('media-hot', 'media-archive', 'backup')),
        object_key TEXT NOT NULL CHECK (length(object_key) BETWEEN 1 AND 1024),
        provider_id TEXT REFERENCES storage_providers(id) ON DELETE RESTRICT,
        size INTEGER CHECK (size >= 0),
        sha256 TEXT CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        written_at INTEGER,
        attempt_at INTEGER,
        CHECK ((size IS NULL) = (sha256 IS NULL)),
        CHECK ((sha256 IS NULL) = (written_at IS NULL)),
        CHECK (sha256 IS NOT NULL OR attempt_at IS NOT NULL)
      ) STRICT;
      CREATE UNIQUE INDEX storage_object_locations_place ON storage_object_locations
        (coalesce(workspace_id, ''), tier, object_key, coalesce(provider_id, ''));
      CREATE INDEX storage_object_locations_provider
        ON storage_object_locations (provider_id);

      CREATE TABLE metrics_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;
    `);
  },
};
