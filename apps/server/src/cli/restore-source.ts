import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '@flowgento/core';
import {
  LocalDiskProvider,
  OrderedTierStore,
  S3StorageProvider,
  parseS3Settings,
  type StorageProvider,
  type TierProviders,
  type TierStore,
} from '@flowgento/storage';
import { s3SettingsFromFlags } from './storage.ts';

type Values = Record<string, string | boolean | undefined>;

/** The backup tier of a lost appliance, as a new machine reaches it. */
export interface RestoreSource {
  providers: TierProviders;
  tier: TierStore;
  /** Where it is, for the report: a folder or an endpoint and bucket. */
  where: string;
  close(): void;
}

/**
 * `--source <folder>`: a copy of the built-in local backup folder (the
 * `backup-objects` folder of the old data folder). `--source s3`: a bucket
 * named by the same flags `storage add-s3` takes, its secret key from a
 * file or the environment, never from a flag value.
 */
export function restoreSourceFrom(values: Values): RestoreSource {
  const source = values['source'];
  if (typeof source !== 'string' || source.trim() === '') {
    throw new AppError(
      'INVALID_INPUT',
      'This data folder holds no appliance: say where the backups are with ' +
        '--source <a copy of the backup folder> or --source s3 (see --help)',
      { reason: 'restore_source_required' },
    );
  }
  const provider: StorageProvider =
    source === 's3'
      ? new S3StorageProvider(parseS3Settings(s3SettingsFromFlags(values)))
      : localFolder(source);
  const where =
    provider instanceof LocalDiskProvider
      ? provider.root
      : `${String(values['endpoint'] ?? values['account-id'])}/${String(values['bucket'])}`;
  const providers: TierProviders = {
    providersOf: () => [{ providerId: 'source', provider }],
  };
  return {
    providers,
    tier: new OrderedTierStore(providers),
    where,
    close: () => provider.destroy?.(),
  };
}

function localFolder(path: string): LocalDiskProvider {
  const root = resolve(path);
  let isFolder = false;
  try {
    isFolder = statSync(root).isDirectory();
  } catch {
    // Missing or unreadable: the same answer.
  }
  if (!isFolder) {
    throw new AppError(
      'INVALID_INPUT',
      `--source ${root} is not a folder: give a copy of the backup folder ` +
        '(backup-objects in the old data folder), or s3 with the bucket flags',
      { reason: 'restore_source_missing' },
    );
  }
  return new LocalDiskProvider(root);
}
