import type { Readable } from 'node:stream';
import { AppError, isAppError, type Logger } from '@flowgento/core';
import type { ObjectLocation, ObjectLocationRepo, Store } from '@flowgento/store';
import { assertExpected } from './checksum.ts';
import { KeyLocks } from './key-locks.ts';
import { objectNotFound } from './local-errors.ts';
import { assertObjectKey } from './object-key.ts';
import type {
  ExpectedObject,
  ObjectBody,
  PutOptions,
  StorageProvider,
  UnhashedPutOptions,
} from './provider.ts';
import {
  isProviderFault,
  ProviderCalls,
  naming,
  reasonOf,
  REQUEST_TIMEOUT_MS,
  type ProviderTarget,
} from './provider-calls.ts';
import type { ProviderHealth } from './provider-health.ts';
import { settleObject, type SettleOutcome } from './settle-object.ts';
import { placeId, recordId, watchedBody } from './places.ts';
import {
  noProvider,
  type TierOwner,
  type TierProviders,
  type TierPutResult,
  type TierStore,
  type UnhashedTierPutResult,
} from './tier-store.ts';
import type { StorageTier } from './tiers.ts';

/** What the failover store needs of routing: the tier lists, and any provider by id. */
export interface TierLocations extends TierProviders {
  /** A provider by id (`local` or a saved one), listed by the tier or not. */
  providerById(providerId: string, tier: StorageTier): StorageProvider;
}

/**
 * The tier store with failover. A write goes to the first provider of the
 * tier that is not down, in the tier's order, and to the next when it
 * fails or does not answer in time; where it landed is recorded in the
 * database (and where a write began, before any byte leaves, so a copy
 * left by a failure or a stop is found again). A read tries the recorded
 * copies, then the tier's providers. A delete removes every copy, or
 * records the ones it could not reach for the copy-back job to remove.
 * `settle` is that job's step for one object: copy it back to the tier's
 * first provider, verified, then remove the other copies.
 */
export class FailoverTierStore implements TierStore {
  readonly calls: ProviderCalls;
  private readonly locks = new KeyLocks();

  constructor(
    private readonly routing: TierLocations,
    private readonly store: Store,
    readonly health: ProviderHealth,
    private readonly logger: Logger,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.calls = new ProviderCalls(health, timeoutMs);
  }

  put(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    body: () => ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedTierPutResult>;
  put(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    body: () => ObjectBody,
    options?: PutOptions,
  ): Promise<TierPutResult>;
  put(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    body: () => ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<TierPutResult | UnhashedTierPutResult> {
    assertObjectKey(key);
    // Its records and the copy-back job check every copy against its hash.
    if (options.digest === 'none') return Promise.reject(digestRequired());
    return this.locks.run(lockName(owner, tier, key), async () => {
      const records = this.recordsOf(owner);
      const listed = this.routing.providersOf(owner, tier);
      if (listed.length === 0) throw noProvider(tier);

      let failure: unknown;
      for (const target of this.inTryOrder(listed)) {
        records.beginWrite(tier, key, recordId(target.providerId));
        const source = watchedBody(body());
        try {
          const stored = await this.calls.run(
            target,
            'put',
            (signal, progress) =>
              target.provider.put(key, source.chunks(progress), { ...options, signal }),
            { callerFault: () => source.broke },
          );
          records.recordWritten(tier, key, recordId(target.providerId), stored);
          if (target.providerId !== listed[0]?.providerId) {
            this.logger.warn(
              { tier, providerId: target.providerId, size: stored.size },
              'object written to a failover provider',
            );
          }
          return { ...stored, providerId: target.providerId };
        } catch (error) {
          if (source.broke || !isProviderFault(error)) throw error;
          failure = naming(error, target);
          this.logger.warn(
            {
              tier,
              providerId: target.providerId,
              provider: target.name,
              reason: reasonOf(error),
            },
            'storage write failed; trying the next provider',
          );
        } finally {
          source.close();
        }
      }
      throw failure instanceof Error ? failure : noProvider(tier);
    });
  }

  async get(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    expected: ExpectedObject,
  ): Promise<Readable> {
    assertObjectKey(key);
    assertExpected(expected);
    if (expected.sha256 === null) throw digestRequired();
    const listed = this.routing.providersOf(owner, tier);
    const locations = this.recordsOf(owner).locations(tier, key);
    const matching = locations.filter(
      (l) => l.attemptAt === null && l.written?.sha256 === expected.sha256,
    );
    const ids = [
      ...inListOrder(matching, listed),
      ...locations.filter((l) => !matching.includes(l)).map(placeId),
      ...listed.map((p) => p.providerId),
    ];

    let failure: unknown;
    for (const target of this.inTryOrder(this.targets(tier, ids, listed))) {
      try {
        const stream = await this.calls.run(target, 'get', (signal) =>
          target.provider.get(key, expected, { signal }),
        );
        return this.watchedDownload(target, stream);
      } catch (error) {
        if (isAppError(error) && error.code === 'INVALID_INPUT') throw error;
        // A provider's failure says more than another's "not there".
        if (!failure || isProviderFault(error)) failure = error;
      }
    }
    throw failure instanceof Error ? failure : objectNotFound();
  }

  delete(owner: TierOwner, tier: StorageTier, key: string): Promise<void> {
    assertObjectKey(key);
    return this.locks.run(lockName(owner, tier, key), async () => {
      const records = this.recordsOf(owner);
      const listed = this.routing.providersOf(owner, tier);
      const ids = [
        ...records.locations(tier, key).map(placeId),
        ...listed.map((p) => p.providerId),
      ];
      let deferred = 0;
      for (const target of this.targets(tier, ids, listed)) {
        if (!(await this.removeCopy(tier, key, records, target))) deferred += 1;
      }
      if (deferred > 0) {
        this.logger.warn(
          { tier, deferred },
          'object removal deferred until its providers are back',
        );
      }
    });
  }

  /**
   * The copy-back job's step for one object (see `settleObject`). Runs under
   * the object's lock, so no write or delete of it interleaves.
   */
  settle(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    signal?: AbortSignal,
  ): Promise<SettleOutcome> {
    return this.locks.run(lockName(owner, tier, key), () => {
      const listed = this.routing.providersOf(owner, tier);
      return settleObject({
        tier,
        key,
        first: listed[0],
        records: this.recordsOf(owner),
        calls: this.calls,
        signal,
        targetOf: (location) => this.targets(tier, [placeId(location)], listed)[0]!,
        removeCopy: (target) => this.removeCopy(tier, key, this.recordsOf(owner), target),
      });
    });
  }

  /** The tier's first choice for an owner, as its locations name it. */
  firstProviderOf(owner: TierOwner, tier: StorageTier): ProviderTarget | undefined {
    return this.routing.providersOf(owner, tier)[0];
  }

  recordsOf(owner: TierOwner): ObjectLocationRepo {
    return owner === 'appliance'
      ? this.store.applianceObjectLocations
      : this.store.in(owner).objectLocations;
  }

  /**
   * Removes the copy at `target` and forgets it; when the provider is down
   * or fails, the location is kept, marked to go, and false is returned.
   */
  private async removeCopy(
    tier: StorageTier,
    key: string,
    records: ObjectLocationRepo,
    target: ProviderTarget,
  ): Promise<boolean> {
    const id = recordId(target.providerId);
    if (!this.health.isDown(target.providerId)) {
      try {
        await this.calls.run(target, 'delete', (signal) =>
          target.provider.delete(key, { signal }),
        );
        records.remove(tier, key, id);
        return true;
      } catch (error) {
        if (!isProviderFault(error)) throw error;
      }
    }
    records.markForRemoval(tier, key, id);
    return false;
  }

  /** Providers by id, each once, listed ones as routing gives them. */
  private targets(
    tier: StorageTier,
    ids: string[],
    listed: ProviderTarget[],
  ): ProviderTarget[] {
    return [...new Set(ids)].map(
      (providerId) =>
        listed.find((p) => p.providerId === providerId) ?? {
          providerId,
          provider: this.routing.providerById(providerId, tier),
        },
    );
  }

  /**
   * Providers that are not down first, in the order given; down ones last,
   * tried only when nothing else worked (the breaker skips, never refuses).
   */
  private inTryOrder(targets: ProviderTarget[]): ProviderTarget[] {
    const down = targets.filter((t) => this.health.isDown(t.providerId));
    return [...targets.filter((t) => !down.includes(t)), ...down];
  }

  /** A failure of the bytes after the answer counts against the provider too. */
  private watchedDownload(target: ProviderTarget, stream: Readable): Readable {
    stream.once('error', (error) => {
      if (isProviderFault(error)) {
        this.health.failed(target.providerId, 'get', reasonOf(error), 0);
      }
    });
    return stream;
  }
}

function lockName(owner: TierOwner, tier: StorageTier, key: string): string {
  const ownerKey = owner === 'appliance' ? '' : owner.workspaceId;
  return `${ownerKey}\u0000${tier}\u0000${key}`;
}

function inListOrder(locations: ObjectLocation[], listed: ProviderTarget[]): string[] {
  const rank = (id: string) => {
    const index = listed.findIndex((p) => p.providerId === id);
    return index === -1 ? listed.length : index;
  };
  return locations.map(placeId).sort((a, b) => rank(a) - rank(b));
}

function digestRequired(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'The failover tier store keeps a SHA-256 of every object: put and get need one',
    { reason: 'object_digest_required' },
  );
}
