import type { StorageProvider, TierProviders } from '@flowgento/storage';
import {
  BACKUP_PREFIX,
  parseObjectName,
  type BackupObjectName,
} from '../chain/object-names.ts';

export interface TierListing {
  names: BackupObjectName[];
  /** A provider that holds each key (the first listed that does). */
  holderOf: Map<string, StorageProvider>;
  sizeOf: Map<string, number>;
}

/**
 * Lists the backup tier across every provider it names: after a failover
 * an object may be on any of them. Keys that are not ours are ignored.
 */
export async function listBackupTier(providers: TierProviders): Promise<TierListing> {
  const listing: TierListing = { names: [], holderOf: new Map(), sizeOf: new Map() };
  for (const { provider } of providers.providersOf('appliance', 'backup')) {
    for await (const object of provider.list(BACKUP_PREFIX)) {
      if (listing.holderOf.has(object.key)) continue;
      const name = parseObjectName(object.key);
      if (!name) continue;
      listing.names.push(name);
      listing.holderOf.set(object.key, provider);
      listing.sizeOf.set(object.key, object.size);
    }
  }
  return listing;
}
