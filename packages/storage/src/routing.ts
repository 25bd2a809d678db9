import type { AuditActor, AuditLog } from '@flowgento/audit';
import { AppError, plural, type RequestOrigin } from '@flowgento/core';
import type {
  Store,
  StorageProviderRecord,
  TierProviderIds,
  Workspace,
  WorkspaceScope,
} from '@flowgento/store';
import type { StorageProvider } from './provider.ts';
import type { StorageProviderSettings, VerifiedProvider } from './provider-settings.ts';
import { LocalDiskProvider } from './local-provider.ts';
import type { TierLocations } from './failover-tier-store.ts';
import type { TierOwner } from './tier-store.ts';
import {
  LOCAL_PROVIDER_ID,
  STORAGE_TIERS,
  TIER_PROVIDER_LIMIT,
  localFolderFor,
  type StorageTier,
} from './tiers.ts';

/** What anyone who may see routing learns of a provider: never keys or secrets. */
export interface ProviderSummary {
  id: string;
  name: string;
  kind: 'local' | 's3';
  /** The endpoint's host name; null for the local disk. */
  endpointHost: string | null;
}

/** Which providers hold one tier of a workspace, first choice first. */
export interface TierRouting {
  tier: StorageTier;
  source: 'default' | 'override';
  providers: ProviderSummary[];
}

/** Who changes routing: a member of the workspace, or the operator (CLI). */
export interface RoutingActor {
  actor: AuditActor;
  origin: RequestOrigin;
}

export interface WorkspaceActing extends RoutingActor {
  scope: WorkspaceScope;
}

type TierLists = Record<StorageTier, TierProviderIds>;

/**
 * Decides where each tier's objects go. Three levels: a workspace's
 * override of a tier, else the appliance-wide default the operator set,
 * else the built-in local disk (so a fresh appliance needs no settings).
 * Every change is checked against the promise that backups never share
 * media's primary target, and audited in its own transaction.
 */
export class StorageRouting implements TierLocations {
  private readonly opened = new Map<string, { at: number; provider: StorageProvider }>();

  constructor(
    private readonly store: Store,
    private readonly settings: StorageProviderSettings,
    private readonly audit: AuditLog,
    private readonly dataDir: string,
  ) {}

  /** Every provider a tier may list: the local disk first, then saved ones. */
  providers(): ProviderSummary[] {
    return [localSummary(), ...this.store.storageProviders.list().map(summaryOf)];
  }

  /** The appliance-wide list of each tier, as the operator set it. */
  defaults(): TierRouting[] {
    const lists = this.defaultLists();
    return STORAGE_TIERS.map((tier) => ({
      tier,
      source: 'default',
      providers: this.summaries(lists[tier]),
    }));
  }

  /** Each tier of one workspace: its override, or the appliance default. */
  effectiveRouting(scope: WorkspaceScope): TierRouting[] {
    const overrides = this.store.in(scope).storageOverrides.all();
    const defaults = this.defaultLists();
    return STORAGE_TIERS.map((tier) => {
      const override = overrides[tier];
      return {
        tier,
        source: override ? 'override' : 'default',
        providers: this.summaries(override ?? defaults[tier]),
      };
    });
  }

  /** The effective routing of every workspace, for the operator's table. */
  everyWorkspace(): { workspace: Workspace; routing: TierRouting[] }[] {
    const overrides = this.store.storageTiers.overridesOfEveryWorkspace();
    const defaults = this.defaultLists();
    return this.store.workspaces.list().map((workspace) => {
      const own = overrides.get(workspace.id) ?? {};
      return {
        workspace,
        routing: STORAGE_TIERS.map((tier) => ({
          tier,
          source: own[tier] ? 'override' : 'default',
          providers: this.summaries(own[tier] ?? defaults[tier]),
        })),
      };
    });
  }

  /** Working providers for a tier of a workspace, in the order to try them. */
  providersFor(scope: WorkspaceScope, tier: StorageTier): StorageProvider[] {
    const override = this.store.in(scope).storageOverrides.all()[tier];
    const ids = override ?? this.defaultLists()[tier];
    return ids.map((id) => this.open(id, tier));
  }

  /** Providers with their ids, for a tier store: a workspace's, or the appliance's. */
  providersOf(
    owner: TierOwner,
    tier: StorageTier,
  ): { providerId: string; provider: StorageProvider; name: string }[] {
    const override =
      owner === 'appliance'
        ? undefined
        : this.store.in(owner).storageOverrides.all()[tier];
    const ids = override ?? this.defaultLists()[tier];
    return ids.map((id) => ({
      providerId: id ?? LOCAL_PROVIDER_ID,
      provider: this.open(id, tier),
      name: id === null ? LOCAL_PROVIDER_ID : this.record(id).name,
    }));
  }

  /** A provider by id (`local` or a saved one) for a tier, listed there or not. */
  providerById(providerId: string, tier: StorageTier): StorageProvider {
    return this.open(providerId === LOCAL_PROVIDER_ID ? null : providerId, tier);
  }

  /** Replaces the workspace's list for `tier`; audited as storage.override_changed. */
  setOverride(acting: WorkspaceActing, tier: StorageTier, providerIds: string[]): void {
    const ids = this.checkedList(providerIds);
    this.store.transaction(() => {
      const overrides = this.store.in(acting.scope).storageOverrides;
      const before = overrides.all()[tier];
      // Setting what is already set changes nothing, and writes nothing.
      if (before && sameList(before, ids)) return;
      this.assertBackupApart({ ...this.defaultLists(), ...overrides.all(), [tier]: ids });
      overrides.set(tier, ids);
      this.recordOverride(acting, tier, before, ids);
    });
  }

  /** Returns `tier` to the appliance default; refused when it has no override. */
  clearOverride(acting: WorkspaceActing, tier: StorageTier): void {
    this.store.transaction(() => {
      const overrides = this.store.in(acting.scope).storageOverrides;
      const current = overrides.all();
      const before = current[tier];
      if (!before) {
        throw new AppError('NOT_FOUND', `The ${tier} tier has no override to clear`, {
          reason: 'storage_override_not_set',
        });
      }
      const rest = { ...current };
      delete rest[tier];
      this.assertBackupApart({ ...this.defaultLists(), ...rest });
      overrides.clear(tier);
      this.recordOverride(acting, tier, before, undefined);
    });
  }

  /**
   * Replaces a tier's appliance-wide list (the operator's). Checked against
   * the defaults and against every workspace whose overrides leave that tier
   * to them, so no workspace ends up with backups on its media target.
   */
  setDefault(by: RoutingActor, tier: StorageTier, providerIds: string[]): void {
    const ids = this.checkedList(providerIds);
    this.store.transaction(() => {
      const defaults = this.defaultLists();
      if (sameList(defaults[tier], ids)) return;
      const next = { ...defaults, [tier]: ids };
      this.assertBackupApart(next);
      for (const [
        workspaceId,
        own,
      ] of this.store.storageTiers.overridesOfEveryWorkspace()) {
        this.assertBackupApart({ ...next, ...own }, workspaceId);
      }
      this.store.storageTiers.setDefault(tier, ids);
      this.audit.record({
        workspaceId: null,
        ...by,
        action: 'storage.tier_changed',
        details: { tier, from: this.names(defaults[tier]), to: this.names(ids) },
      });
    });
  }

  /** Saves a provider that passed its live check, with its audit entry. */
  addProvider(by: RoutingActor, verified: VerifiedProvider): ProviderSummary {
    return this.store.transaction(() => {
      const saved = this.settings.save(verified);
      this.audit.record({
        workspaceId: null,
        ...by,
        action: 'storage.provider_added',
        target: { type: 'storage_provider', id: saved.id },
        details: {
          name: saved.name,
          preset: saved.preset,
          endpoint: saved.endpoint,
          bucket: saved.bucket,
        },
      });
      return summaryOf(saved);
    });
  }

  /** Forgets a saved provider; refused while any tier, default or override, lists it. */
  removeProvider(by: RoutingActor, providerId: string): void {
    this.store.transaction(() => {
      const record = this.record(providerId);
      const uses = this.store.storageTiers.usesOf(providerId);
      const objects = this.store.objectLocationIndex.countAt(providerId);
      if (uses.defaultTiers.length > 0 || uses.overrides > 0 || objects > 0) {
        const where = [
          ...uses.defaultTiers.map((tier) => `the default ${tier} tier`),
          ...(uses.overrides > 0 ? [plural(uses.overrides, 'workspace override')] : []),
        ];
        const holds = [
          ...(where.length > 0 ? [`is still listed by ${where.join(' and ')}`] : []),
          // Copy-back moves them to each tier's first provider once none lists this one.
          ...(objects > 0 ? [`still holds ${objects} object copies`] : []),
        ];
        throw new AppError(
          'CONFLICT',
          `${record.name} ${holds.join(' and ')}: change those first`,
          {
            reason: 'storage_provider_in_use',
            details: {
              defaultTiers: uses.defaultTiers.join(','),
              overrides: uses.overrides,
              objects,
            },
          },
        );
      }
      this.settings.remove(providerId);
      this.audit.record({
        workspaceId: null,
        ...by,
        action: 'storage.provider_removed',
        target: { type: 'storage_provider', id: providerId },
        details: { name: record.name },
      });
    });
    this.opened.get(providerId)?.provider.destroy?.();
    this.opened.delete(providerId);
  }

  /** The id of the provider called `name` (the local disk is `local`). */
  idOfName(name: string): string {
    const found = this.providers().find((p) => p.name === name);
    if (!found) throw providerNotFound(name);
    return found.id;
  }

  private defaultLists(): TierLists {
    const saved = this.store.storageTiers.defaults();
    return {
      'media-hot': saved['media-hot'] ?? [null],
      'media-archive': saved['media-archive'] ?? [null],
      backup: saved.backup ?? [null],
    };
  }

  /** Ids as entered (`local` for the disk) to stored ids (null for the disk). */
  private checkedList(providerIds: string[]): TierProviderIds {
    if (providerIds.length === 0 || providerIds.length > TIER_PROVIDER_LIMIT) {
      throw new AppError(
        'INVALID_INPUT',
        `A tier lists 1 to ${TIER_PROVIDER_LIMIT} providers`,
        { reason: 'storage_tier_list_invalid', details: { field: 'providerIds' } },
      );
    }
    if (new Set(providerIds).size !== providerIds.length) {
      throw new AppError('INVALID_INPUT', 'A tier lists each provider once', {
        reason: 'storage_provider_repeated',
        details: { field: 'providerIds' },
      });
    }
    return providerIds.map((id) => {
      if (id === LOCAL_PROVIDER_ID) return null;
      return this.record(id).id;
    });
  }

  /**
   * The security promise: backups live apart from primary storage. No
   * provider of the `backup` tier, first or fallback, may be a target of a
   * media tier: the same bucket at the same endpoint (even under two
   * provider names or two spellings of the host), or the same local folder.
   * A host name and its IP address cannot be told apart without DNS; see
   * docs/ARCHITECTURE.md.
   */
  private assertBackupApart(lists: TierLists, workspaceId?: string): void {
    const media = new Map<string, { tier: StorageTier; id: string | null }>();
    for (const tier of ['media-hot', 'media-archive'] as const) {
      for (const id of lists[tier]) media.set(this.targetOf(id, tier), { tier, id });
    }
    for (const id of lists.backup) {
      const clash = media.get(this.targetOf(id, 'backup'));
      if (!clash) continue;
      throw new AppError(
        'CONFLICT',
        `The backup tier's provider "${this.nameOf(id)}" stores to the same ` +
          `${this.placeOf(id)} as "${this.nameOf(clash.id)}" of the ${clash.tier} ` +
          'tier; backups must be kept apart from media: choose another provider ' +
          'or bucket for one of them',
        {
          reason: 'backup_same_as_media',
          details: {
            field: 'providerIds',
            backupProvider: this.nameOf(id),
            mediaProvider: this.nameOf(clash.id),
            mediaTier: clash.tier,
            ...(workspaceId && { workspaceId }),
          },
        },
      );
    }
  }

  private nameOf(id: string | null): string {
    return id === null ? LOCAL_PROVIDER_ID : this.record(id).name;
  }

  /** Where a provider stores, in words: `bucket "b" at host`, or the local folder. */
  private placeOf(id: string | null): string {
    if (id === null) return 'local folder';
    const record = this.record(id);
    return `bucket "${record.bucket}" at ${new URL(record.endpoint).host}`;
  }

  private targetOf(id: string | null, tier: StorageTier): string {
    if (id === null) return `local:${localFolderFor(this.dataDir, tier)}`;
    const record = this.record(id);
    // `host.` and `host` are one host: a fully qualified name's root dot.
    const endpoint = record.endpoint.replace(/^(https?:\/\/[^/:]+)\.(?=[:/]|$)/i, '$1');
    return `s3:${endpoint.toLowerCase()}/${record.bucket}`;
  }

  private open(id: string | null, tier: StorageTier): StorageProvider {
    if (id === null) return new LocalDiskProvider(localFolderFor(this.dataDir, tier));
    const updatedAt = this.record(id).updatedAt;
    const cached = this.opened.get(id);
    if (cached && cached.at === updatedAt) return cached.provider;
    cached?.provider.destroy?.();
    const provider = this.settings.open(id);
    this.opened.set(id, { at: updatedAt, provider });
    return provider;
  }

  private recordOverride(
    acting: WorkspaceActing,
    tier: StorageTier,
    before: TierProviderIds | undefined,
    after: TierProviderIds | undefined,
  ): void {
    this.audit.record({
      workspaceId: acting.scope.workspaceId,
      actor: acting.actor,
      origin: acting.origin,
      action: 'storage.override_changed',
      details: {
        tier,
        from: before ? this.names(before) : 'default',
        to: after ? this.names(after) : 'default',
      },
    });
  }

  private summaries(ids: TierProviderIds): ProviderSummary[] {
    return ids.map((id) => (id === null ? localSummary() : summaryOf(this.record(id))));
  }

  private names(ids: TierProviderIds): string {
    return this.summaries(ids)
      .map((p) => p.name)
      .join(',');
  }

  private record(id: string): StorageProviderRecord {
    const record = this.store.storageProviders.get(id);
    if (!record) throw providerNotFound(id);
    return record;
  }
}

function localSummary(): ProviderSummary {
  return {
    id: LOCAL_PROVIDER_ID,
    name: LOCAL_PROVIDER_ID,
    kind: 'local',
    endpointHost: null,
  };
}

function summaryOf(record: Pick<StorageProviderRecord, 'id' | 'name' | 'endpoint'>) {
  return {
    id: record.id,
    name: record.name,
    kind: 's3',
    endpointHost: new URL(record.endpoint).hostname,
  } satisfies ProviderSummary;
}

function providerNotFound(which: string): AppError {
  return new AppError('NOT_FOUND', `No storage provider ${which}`, {
    reason: 'storage_provider_not_found',
    details: { field: 'providerIds' },
  });
}

function sameList(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
