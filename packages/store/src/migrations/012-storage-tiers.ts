import type { Migration } from './index.ts';

/**
 * Storage tiers: which providers hold a tier's objects, in priority order.
 * `storage_tier_defaults` is the appliance-wide list (the operator's, from
 * the CLI); `storage_tier_overrides` replaces it for one workspace (its
 * OWNER's choice). A tier with no rows uses the level below: override, then
 * default, then the built-in local disk. `provider_id` NULL is the built-in
 * local disk, which has no row in `storage_providers`; a saved provider is
 * referenced with RESTRICT, so one still in a list cannot be removed.
 */
export const storageTiers: Migration = {
  version: 12,
  name: 'storage tiers',
  up(db) {
    db.exec(`
      CREATE TABLE storage_tier_defaults (
        tier TEXT NOT NULL CHECK (tier IN ('media-hot', 'media-archive', 'backup')),
        position INTEGER NOT NULL CHECK (position >= 0),
        provider_id TEXT REFERENCES storage_providers(id) ON DELETE RESTRICT,
        PRIMARY KEY (tier, position)
      ) STRICT;

      CREATE TABLE storage_tier_overrides (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        tier TEXT NOT NULL CHECK (tier IN ('media-hot', 'media-archive', 'backup')),
        position INTEGER NOT NULL CHECK (position >= 0),
        provider_id TEXT REFERENCES storage_providers(id) ON DELETE RESTRICT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, tier, position)
      ) STRICT;
      CREATE INDEX storage_tier_overrides_provider
        ON storage_tier_overrides (provider_id);
    `);
  },
};
