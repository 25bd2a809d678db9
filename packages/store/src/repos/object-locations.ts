import type { Store } from '../store.ts';
import { workspaceScope, type WorkspaceScope } from '../scope.ts';
import type { StorageTier } from './storage-tiers.ts';

/** Whose objects: one workspace's, or the appliance's own (database backups). */
export type ObjectOwner = WorkspaceScope | 'appliance';

/** One provider that holds, or may hold, an object. */
export interface ObjectLocation {
  /** A saved provider's id; null is the built-in local disk. */
  providerId: string | null;
  /** What a write that succeeded stored here; null when none is known to have. */
  written: { size: number; sha256: string; at: number } | null;
  /**
   * When a write began here that is not known to have finished, or when the
   * copy was marked to go; null for a settled copy.
   */
  attemptAt: number | null;
}

interface LocationRow {
  provider_id: string | null;
  size: number | null;
  sha256: string | null;
  written_at: number | null;
  attempt_at: number | null;
}

const toLocation = (row: LocationRow): ObjectLocation => ({
  providerId: row.provider_id,
  written:
    row.sha256 === null
      ? null
      : { size: row.size ?? 0, sha256: row.sha256, at: row.written_at ?? 0 },
  attemptAt: row.attempt_at,
});

// Every statement names the owner as the unique index does, so each one is
// an index seek within one owner's rows.
const OWNER = `coalesce(workspace_id, '') = ?`;
const PLACE = `(coalesce(workspace_id, ''), tier, object_key, coalesce(provider_id, ''))`;

/**
 * Where one owner's objects are: a workspace's (reached through its scope)
 * or the appliance's. The owner is fixed when the repository is made, and
 * every statement binds it.
 */
export class ObjectLocationRepo {
  private readonly ownerKey: string;

  constructor(
    private readonly store: Store,
    private readonly workspaceId: string | null,
  ) {
    this.ownerKey = workspaceId ?? '';
  }

  /** Every provider recorded for the object, settled copies first. */
  locations(tier: StorageTier, key: string): ObjectLocation[] {
    const rows = this.store
      .statement(
        `SELECT provider_id, size, sha256, written_at, attempt_at
         FROM storage_object_locations
         WHERE ${OWNER} AND tier = ? AND object_key = ?
         ORDER BY attempt_at IS NOT NULL, sha256 IS NULL, written_at`,
      )
      .all(this.ownerKey, tier, key) as LocationRow[];
    return rows.map(toLocation);
  }

  /**
   * Notes that a write to `providerId` begins, before any byte leaves: if it
   * lands and the process stops before `recordWritten`, the copy is still
   * found (and removed, or kept once read back whole).
   */
  beginWrite(tier: StorageTier, key: string, providerId: string | null): void {
    this.store
      .statement(
        `INSERT INTO storage_object_locations
           (workspace_id, tier, object_key, provider_id, attempt_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ${PLACE} DO UPDATE SET attempt_at = excluded.attempt_at`,
      )
      .run(this.workspaceId, tier, key, providerId, this.store.clock.now());
  }

  /**
   * A write to `providerId` succeeded with these bytes. Copies elsewhere with
   * other bytes (an older version) are marked to go, in the same transaction.
   */
  recordWritten(
    tier: StorageTier,
    key: string,
    providerId: string | null,
    stored: { size: number; sha256: string },
  ): void {
    const now = this.store.clock.now();
    this.store.transaction(() => {
      this.store
        .statement(
          `INSERT INTO storage_object_locations
             (workspace_id, tier, object_key, provider_id, size, sha256, written_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT ${PLACE} DO UPDATE SET size = excluded.size,
             sha256 = excluded.sha256, written_at = excluded.written_at,
             attempt_at = NULL`,
        )
        .run(this.workspaceId, tier, key, providerId, stored.size, stored.sha256, now);
      this.store
        .statement(
          `UPDATE storage_object_locations
           SET size = NULL, sha256 = NULL, written_at = NULL,
             attempt_at = coalesce(attempt_at, ?)
           WHERE ${OWNER} AND tier = ? AND object_key = ? AND sha256 IS NOT ?`,
        )
        .run(now, this.ownerKey, tier, key, stored.sha256);
    });
  }

  /** A copy that was in doubt was read back whole: it is settled again. */
  confirm(tier: StorageTier, key: string, providerId: string | null): boolean {
    return (
      this.store
        .statement(
          `UPDATE storage_object_locations SET attempt_at = NULL
           WHERE ${OWNER} AND tier = ? AND object_key = ? AND provider_id IS ?
             AND sha256 IS NOT NULL`,
        )
        .run(this.ownerKey, tier, key, providerId).changes === 1
    );
  }

  /**
   * The copy at `providerId` must go, but could not be removed yet (its
   * provider is down): kept as a location to remove later.
   */
  markForRemoval(tier: StorageTier, key: string, providerId: string | null): void {
    this.store
      .statement(
        `INSERT INTO storage_object_locations
           (workspace_id, tier, object_key, provider_id, attempt_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ${PLACE} DO UPDATE SET size = NULL, sha256 = NULL,
           written_at = NULL, attempt_at = excluded.attempt_at`,
      )
      .run(this.workspaceId, tier, key, providerId, this.store.clock.now());
  }

  /** Forgets one location (its copy is gone); false when there was none. */
  remove(tier: StorageTier, key: string, providerId: string | null): boolean {
    return (
      this.store
        .statement(
          `DELETE FROM storage_object_locations
           WHERE ${OWNER} AND tier = ? AND object_key = ? AND provider_id IS ?`,
        )
        .run(this.ownerKey, tier, key, providerId).changes === 1
    );
  }

  /**
   * Keys after `afterKey`, in key order, with a location other than a
   * settled copy at `firstProviderId` (the tier's first choice): a copy
   * elsewhere, an unfinished write, or a copy to remove.
   */
  keysNeedingWork(
    tier: StorageTier,
    firstProviderId: string | null,
    afterKey: string,
    limit: number,
  ): string[] {
    return this.store
      .statement(
        `SELECT DISTINCT object_key FROM storage_object_locations
         WHERE ${OWNER} AND tier = ? AND object_key > ?
           AND (provider_id IS NOT ? OR sha256 IS NULL OR attempt_at IS NOT NULL)
         ORDER BY object_key LIMIT ?`,
      )
      .pluck()
      .all(this.ownerKey, tier, afterKey, firstProviderId, limit) as string[];
  }

  /** How many objects of the tier have no settled copy at `firstProviderId`. */
  countAwayFrom(tier: StorageTier, firstProviderId: string | null): number {
    return this.store
      .statement(
        `SELECT count(DISTINCT object_key) FROM storage_object_locations AS l
         WHERE ${OWNER} AND tier = ? AND sha256 IS NOT NULL
           AND NOT EXISTS (
             SELECT 1 FROM storage_object_locations AS f
             WHERE coalesce(f.workspace_id, '') = ? AND f.tier = l.tier
               AND f.object_key = l.object_key
               AND f.provider_id IS ? AND f.sha256 IS NOT NULL
               AND f.attempt_at IS NULL)`,
      )
      .pluck()
      .get(this.ownerKey, tier, this.ownerKey, firstProviderId) as number;
  }
}

/**
 * The one look across owners, for the appliance's own upkeep: which owners
 * and tiers have objects (the copy-back job then works through each owner's
 * repository), and whether a provider still holds any.
 */
export class ObjectLocationIndex {
  constructor(private readonly store: Store) {}

  /** Each owner and tier with recorded objects, the appliance's first. */
  groups(): { owner: ObjectOwner; tier: StorageTier }[] {
    const rows = this.store
      .statement(
        `SELECT DISTINCT workspace_id, tier FROM storage_object_locations
         ORDER BY coalesce(workspace_id, ''), tier`,
      )
      .all() as { workspace_id: string | null; tier: StorageTier }[];
    // The ids come from rows this appliance wrote for those workspaces, never
    // from a caller: the job acts for each workspace on its own objects only.
    return rows.map((row) => ({
      owner: row.workspace_id === null ? 'appliance' : workspaceScope(row.workspace_id),
      tier: row.tier,
    }));
  }

  /** How many locations (any owner, any tier) name the provider. */
  countAt(providerId: string): number {
    return this.store
      .statement('SELECT count(*) FROM storage_object_locations WHERE provider_id = ?')
      .pluck()
      .get(providerId) as number;
  }
}
