import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

export const STORAGE_TIERS = ['media-hot', 'media-archive', 'backup'] as const;
export type StorageTier = (typeof STORAGE_TIERS)[number];

/** A tier's providers in priority order; null is the built-in local disk. */
export type TierProviderIds = (string | null)[];

interface ListRow {
  tier: StorageTier;
  provider_id: string | null;
}

function grouped(rows: ListRow[]): Partial<Record<StorageTier, TierProviderIds>> {
  const lists: Partial<Record<StorageTier, TierProviderIds>> = {};
  for (const row of rows) (lists[row.tier] ??= []).push(row.provider_id);
  return lists;
}

/**
 * The appliance-wide provider list of each tier (a system repository: the
 * operator sets it from the CLI), and the one lookup across workspaces,
 * `overridesOfEveryWorkspace`, for the operator's routing table and for
 * checking a change of defaults or of a provider against every workspace.
 */
export class StorageTierRepo {
  constructor(private readonly store: Store) {}

  /** Each tier's default list; a tier without one is absent. */
  defaults(): Partial<Record<StorageTier, TierProviderIds>> {
    const rows = this.store
      .statement(
        'SELECT tier, provider_id FROM storage_tier_defaults ORDER BY tier, position',
      )
      .all() as ListRow[];
    return grouped(rows);
  }

  /** Replaces a tier's default list; an empty list returns it to the built-in. */
  setDefault(tier: StorageTier, providerIds: TierProviderIds): void {
    this.store.statement('DELETE FROM storage_tier_defaults WHERE tier = ?').run(tier);
    const insert = this.store.statement(
      'INSERT INTO storage_tier_defaults (tier, position, provider_id) VALUES (?, ?, ?)',
    );
    providerIds.forEach((id, position) => insert.run(tier, position, id));
  }

  overridesOfEveryWorkspace(): Map<
    string,
    Partial<Record<StorageTier, TierProviderIds>>
  > {
    const rows = this.store
      .statement(
        `SELECT workspace_id, tier, provider_id FROM storage_tier_overrides
         ORDER BY workspace_id, tier, position`,
      )
      .all() as (ListRow & { workspace_id: string })[];
    const byWorkspace = new Map<string, ListRow[]>();
    for (const row of rows) {
      const list = byWorkspace.get(row.workspace_id) ?? [];
      list.push(row);
      byWorkspace.set(row.workspace_id, list);
    }
    return new Map([...byWorkspace].map(([id, list]) => [id, grouped(list)]));
  }

  /** Where a saved provider is listed: default tiers, and how many overrides. */
  usesOf(providerId: string): { defaultTiers: StorageTier[]; overrides: number } {
    const defaultTiers = this.store
      .statement(
        'SELECT DISTINCT tier FROM storage_tier_defaults WHERE provider_id = ? ORDER BY tier',
      )
      .pluck()
      .all(providerId) as StorageTier[];
    const overrides = this.store
      .statement(
        `SELECT count(DISTINCT workspace_id || '/' || tier) FROM storage_tier_overrides
         WHERE provider_id = ?`,
      )
      .pluck()
      .get(providerId) as number;
    return { defaultTiers, overrides };
  }
}

/** One workspace's overrides: every query binds `scope.workspaceId`. */
export class StorageOverrideRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  all(): Partial<Record<StorageTier, TierProviderIds>> {
    const rows = this.store
      .statement(
        `SELECT tier, provider_id FROM storage_tier_overrides
         WHERE workspace_id = ? ORDER BY tier, position`,
      )
      .all(this.scope.workspaceId) as ListRow[];
    return grouped(rows);
  }

  /** Replaces the workspace's list for `tier` (at least one provider). */
  set(tier: StorageTier, providerIds: TierProviderIds): void {
    if (providerIds.length === 0) throw new Error('An override lists a provider');
    this.clear(tier);
    const insert = this.store.statement(
      `INSERT INTO storage_tier_overrides (workspace_id, tier, position, provider_id,
         updated_at) VALUES (?, ?, ?, ?, ?)`,
    );
    const now = this.store.clock.now();
    providerIds.forEach((id, position) =>
      insert.run(this.scope.workspaceId, tier, position, id, now),
    );
  }

  /** Returns the tier to the appliance default; false when it had no override. */
  clear(tier: StorageTier): boolean {
    return (
      this.store
        .statement(
          'DELETE FROM storage_tier_overrides WHERE workspace_id = ? AND tier = ?',
        )
        .run(this.scope.workspaceId, tier).changes > 0
    );
  }
}
