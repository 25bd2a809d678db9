import type { Readable } from 'node:stream';
import { AppError } from '@flowgento/core';
import type { WorkspaceScope } from '@flowgento/store';
import {
  putEither,
  type ExpectedObject,
  type ObjectBody,
  type PutOptions,
  type StorageProvider,
  type StoredObject,
  type UnhashedObject,
  type UnhashedPutOptions,
} from './provider.ts';
import type { StorageTier } from './tiers.ts';
import { naming } from './provider-calls.ts';

/**
 * Whose objects: one workspace's (its overrides apply), or the appliance's
 * own (database backups), which follow the appliance-wide default lists.
 */
export type TierOwner = WorkspaceScope | 'appliance';

/** Where a tier's object was written. */
export interface TierPutResult extends StoredObject {
  /** The provider that holds it: `local` or a saved provider's id. */
  providerId: string;
}

/** Where a tier's object put with `digest: 'none'` was written. */
export interface UnhashedTierPutResult extends UnhashedObject {
  providerId: string;
}

/**
 * Stores objects in a tier rather than in one provider: writes go to the
 * first provider of the tier that works, reads try every provider that may
 * hold the object. Bodies are given as a function because a write that fails
 * over must send the same bytes again from the start.
 */
export interface TierStore {
  /**
   * With `digest: 'none'` (see `UnhashedPutOptions`) only a store that keeps
   * no records of its own takes the put: `FailoverTierStore` refuses it.
   */
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
  /** Streams the object; see `StorageProvider.get` for when to trust the bytes. */
  get(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    expected: ExpectedObject,
  ): Promise<Readable>;
  /** Removes the object from every provider that holds it. */
  delete(owner: TierOwner, tier: StorageTier, key: string): Promise<void>;
}

/** What a tier store needs of routing: each tier's providers, first choice first. */
export interface TierProviders {
  providersOf(
    owner: TierOwner,
    tier: StorageTier,
  ): { providerId: string; provider: StorageProvider; name?: string }[];
}

/**
 * The plain tier store: a write goes to the first provider that takes it, a
 * read tries the providers in order. It records nothing: the appliance runs
 * `FailoverTierStore` (timeouts, recorded locations, provider health and
 * copying objects back); this one suits tests and tools without a database.
 */
export class OrderedTierStore implements TierStore {
  constructor(private readonly routing: TierProviders) {}

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
  async put(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    body: () => ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<TierPutResult | UnhashedTierPutResult> {
    let failure: unknown;
    for (const target of this.routing.providersOf(owner, tier)) {
      try {
        const stored = await putEither(target.provider, key, body(), options);
        return { ...stored, providerId: target.providerId };
      } catch (error) {
        failure = naming(error, target);
      }
    }
    throw failure instanceof Error ? failure : noProvider(tier);
  }

  async get(
    owner: TierOwner,
    tier: StorageTier,
    key: string,
    expected: ExpectedObject,
  ): Promise<Readable> {
    let failure: unknown;
    for (const target of this.routing.providersOf(owner, tier)) {
      try {
        return await target.provider.get(key, expected);
      } catch (error) {
        failure = naming(error, target);
      }
    }
    throw failure instanceof Error ? failure : noProvider(tier);
  }

  async delete(owner: TierOwner, tier: StorageTier, key: string): Promise<void> {
    for (const { provider } of this.routing.providersOf(owner, tier)) {
      await provider.delete(key);
    }
  }
}

export function noProvider(tier: StorageTier): AppError {
  return new AppError('PRECONDITION_FAILED', `The ${tier} tier lists no provider`, {
    reason: 'tier_without_provider',
  });
}
