import type { Readable } from 'node:stream';
import type { ProviderCalls, ProviderTarget } from './provider-calls.ts';
import {
  putEither,
  type ExpectedObject,
  type ObjectBody,
  type ObjectInfo,
  type PutOptions,
  type StorageProvider,
  type StoredObject,
  type UnhashedObject,
  type UnhashedPutOptions,
} from './provider.ts';
import type { TierOwner, TierProviders } from './tier-store.ts';
import type { StorageTier } from './tiers.ts';

/**
 * A tier's providers whose every request goes through `calls`: a timeout
 * when nothing moves for a while, and each outcome told to provider health.
 * For writers that keep their own catalogue (continuous backup lists the
 * backup tier instead of recording copies), so their providers' health
 * still shows on the Storage page and in /metrics.
 */
export function trackedProviders(
  routing: TierProviders,
  calls: ProviderCalls,
): TierProviders {
  return {
    providersOf: (owner: TierOwner, tier: StorageTier) =>
      routing
        .providersOf(owner, tier)
        .map((target) => ({ ...target, provider: tracked(target, calls) })),
  };
}

function tracked(target: ProviderTarget, calls: ProviderCalls): StorageProvider {
  const { provider } = target;
  function put(
    key: string,
    body: ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedObject>;
  function put(
    key: string,
    body: ObjectBody,
    options?: PutOptions,
  ): Promise<StoredObject>;
  function put(
    key: string,
    body: ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<StoredObject | UnhashedObject> {
    // A long upload is not a hung one: every chunk that goes out is progress.
    return calls.run(target, 'put', (signal, progress) =>
      putEither(provider, key, withProgress(body, progress), { ...options, signal }),
    );
  }
  return {
    kind: provider.kind,
    put,
    get(key: string, expected: ExpectedObject): Promise<Readable> {
      return calls.run(target, 'get', () => provider.get(key, expected));
    },
    head(key: string): Promise<ObjectInfo | undefined> {
      return calls.run(target, 'get', () => provider.head(key));
    },
    delete(key: string): Promise<void> {
      return calls.run(target, 'delete', () => provider.delete(key));
    },
    list(prefix?: string): AsyncIterable<ObjectInfo> {
      return provider.list(prefix);
    },
    check(): Promise<void> {
      return calls.run(target, 'check', () => provider.check());
    },
  };
}

function withProgress(body: ObjectBody, progress: () => void): ObjectBody {
  if (body instanceof Uint8Array) return body;
  return (async function* () {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      progress();
      yield chunk;
    }
  })();
}
