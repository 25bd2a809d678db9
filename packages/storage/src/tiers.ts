import path from 'node:path';
import { STORAGE_TIERS, type StorageTier } from '@flowgento/store';
import { LOCAL_STORAGE_FOLDER } from './local-provider.ts';

export { STORAGE_TIERS, type StorageTier };

/** The built-in local disk's id and name wherever providers are listed. */
export const LOCAL_PROVIDER_ID = 'local';

/** How many providers one tier lists at most: a primary and its failovers. */
export const TIER_PROVIDER_LIMIT = 4;

/** Where the built-in backup tier goes, beside the media objects. */
export const LOCAL_BACKUP_FOLDER = 'backup-objects';

/**
 * The folder the built-in local disk uses for a tier. Backups get their own
 * folder so that even the embedded default keeps them apart from media.
 */
export function localFolderFor(dataDir: string, tier: StorageTier): string {
  const folder = tier === 'backup' ? LOCAL_BACKUP_FOLDER : LOCAL_STORAGE_FOLDER;
  return path.resolve(dataDir, folder);
}

export function isStorageTier(value: unknown): value is StorageTier {
  return (STORAGE_TIERS as readonly unknown[]).includes(value);
}
