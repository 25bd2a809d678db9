import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '@flowgento/core';
import { latestSchemaVersion, removeIdleSideFiles } from '@flowgento/store';
import {
  FILES_DIR,
  MANIFEST_FILE,
  manifestSchema,
  type BackupManifest,
} from './manifest.ts';
import { sha256File } from './hash-file.ts';
import { verifySnapshot, type BackupProgress } from './create-backup.ts';

export function readManifest(fromDir: string): BackupManifest {
  const path = join(fromDir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new AppError(
      'NOT_FOUND',
      `${fromDir} is not a Flowgento backup (no ${MANIFEST_FILE})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AppError('INVALID_INPUT', `${path} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'INVALID_INPUT',
      `${path} is invalid: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export interface RestoreReport {
  manifest: BackupManifest;
  databasePath: string;
  rowCounts: Record<string, number>;
}

/**
 * Restores a snapshot into an empty data folder: checks the checksum, copies
 * it under a temporary name, opens it with the key, runs integrity_check and
 * compares every row count with the manifest; only then is it renamed into
 * place. Any mismatch leaves the target without a database.
 */
export async function restoreBackup(input: {
  fromDir: string;
  dataDir: string;
  dbKey: Buffer;
  onProgress?: BackupProgress;
}): Promise<RestoreReport> {
  const progress = input.onProgress ?? (() => undefined);
  const manifest = readManifest(input.fromDir);
  if (manifest.schemaVersion > latestSchemaVersion) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `The backup's schema (v${manifest.schemaVersion}) is newer than this build`,
    );
  }
  const target = join(input.dataDir, 'flowgento.db');
  if (existsSync(target)) {
    throw new AppError(
      'CONFLICT',
      `${input.dataDir} already holds a database; restore into a new folder`,
      {
        reason: 'restore_target_not_empty',
      },
    );
  }

  progress('checking checksum', 1, 4);
  const snapshot = join(input.fromDir, manifest.file);
  if (!existsSync(snapshot) || (await sha256File(snapshot)) !== manifest.sha256) {
    throw new AppError(
      'PRECONDITION_FAILED',
      'The snapshot is missing or its checksum does not match the manifest',
      {
        reason: 'snapshot_checksum_mismatch',
      },
    );
  }

  mkdirSync(input.dataDir, { recursive: true, mode: 0o700 });
  const staging = `${target}.restoring`;
  rmSync(staging, { force: true });
  copyFileSync(snapshot, staging);
  try {
    progress('verifying integrity and row counts', 2, 4);
    const rowCounts = verifySnapshot(staging, input.dbKey);
    for (const [table, expected] of Object.entries(manifest.rowCounts)) {
      if (rowCounts[table] !== expected) {
        throw new AppError(
          'PRECONDITION_FAILED',
          `Row count of ${table} is ${rowCounts[table]}, the manifest says ${expected}`,
          {
            reason: 'restore_count_mismatch',
          },
        );
      }
    }
    progress('moving into place', 3, 4);
    await restoreDataFiles(input.fromDir, input.dataDir, manifest);
    removeIdleSideFiles(staging);
    renameSync(staging, target);
    progress('done', 4, 4);
    return { manifest, databasePath: target, rowCounts };
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${staging}${suffix}`, { force: true });
    throw error;
  }
}

/** Puts the configuration and TLS files back, after checking each checksum. */
async function restoreDataFiles(
  fromDir: string,
  dataDir: string,
  manifest: BackupManifest,
): Promise<void> {
  for (const file of manifest.files) {
    const source = join(fromDir, FILES_DIR, file.name);
    if (!existsSync(source) || (await sha256File(source)) !== file.sha256) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `${file.name} in the backup is missing or altered`,
        {
          reason: 'backup_file_mismatch',
        },
      );
    }
  }
  for (const file of manifest.files) {
    const target = join(dataDir, file.name);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    copyFileSync(join(fromDir, FILES_DIR, file.name), target);
    chmodSync(target, 0o600);
  }
}
