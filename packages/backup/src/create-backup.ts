import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '@flowgento/core';
import type { KeySetup } from '@flowgento/crypto';
import {
  BACKUP_CHECKPOINT_FILE,
  auditHeadOf,
  openEncryptedDatabase,
  schemaVersion,
  type AuditCheckpoint,
  type Db,
} from '@flowgento/store';
import {
  COUNTED_TABLES,
  FILES_DIR,
  MANIFEST_FILE,
  SNAPSHOT_FILE,
  type BackupManifest,
} from './manifest.ts';
import { sha256File } from './hash-file.ts';

export type BackupProgress = (step: string, done: number, total: number) => void;

export function countRows(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    counts[table] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return counts;
}

/**
 * Writes an encrypted snapshot into a new folder under `toDir`. VACUUM INTO
 * keeps the database's cipher and key, so the snapshot is never plaintext; it
 * is written under a temporary name and renamed only when complete.
 */
export async function createBackup(input: {
  db: Db;
  /** The database key, to verify the snapshot by opening it. */
  dbKey: Buffer;
  toDir: string;
  installationId: string;
  keySetup: KeySetup;
  /**
   * Files of the data folder to keep with the snapshot, by path relative to
   * it: the configuration, and the CA whose fingerprint office devices trust
   * (its private key is stored wrapped, so it is no easier to use here).
   */
  dataDir?: string;
  dataFiles?: string[];
  now?: Date;
  onProgress?: BackupProgress;
}): Promise<{
  dir: string;
  manifest: BackupManifest;
  auditHead: AuditCheckpoint | null;
}> {
  const progress = input.onProgress ?? (() => undefined);
  const now = input.now ?? new Date();
  const name = `flowgento-backup-${now.toISOString().replace(/[:.]/g, '-')}`;
  const dir = join(input.toDir, name);
  const partial = `${dir}.partial`;
  mkdirSync(partial, { recursive: true, mode: 0o700 });

  try {
    progress('writing encrypted snapshot', 1, 4);
    const snapshot = join(partial, SNAPSHOT_FILE);
    // VACUUM INTO is itself a consistent snapshot and keeps cipher and key.
    input.db.prepare('VACUUM INTO ?').run(snapshot);
    chmodSync(snapshot, 0o600);

    progress('verifying snapshot', 2, 4);
    const counts = verifySnapshot(snapshot, input.dbKey);
    // Where the snapshot's audit chain ends, kept outside it: a restore (or
    // anyone holding this folder) can tell if entries later go missing.
    const auditHead = snapshotAuditHead(snapshot, input.dbKey, now.getTime());
    if (auditHead) {
      writeFileSync(
        join(partial, BACKUP_CHECKPOINT_FILE),
        `${JSON.stringify(auditHead)}\n`,
        { mode: 0o600 },
      );
    }

    progress('checksumming', 3, 4);
    const files = await copyDataFiles(input.dataDir, input.dataFiles ?? [], partial);
    const manifest: BackupManifest = {
      format: 1,
      createdAt: now.toISOString(),
      installationId: input.installationId,
      schemaVersion: schemaVersion(input.db),
      file: SNAPSHOT_FILE,
      bytes: statSync(snapshot).size,
      sha256: await sha256File(snapshot),
      rowCounts: counts,
      files,
      keySetup: { ...input.keySetup },
    };
    writeFileSync(
      join(partial, MANIFEST_FILE),
      `${JSON.stringify(manifest, null, 2)}\n`,
      {
        mode: 0o600,
      },
    );
    renameSync(partial, dir);
    progress('done', 4, 4);
    return { dir, manifest, auditHead };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw new AppError('INTERNAL', 'The backup could not be written', { cause: error });
  }
}

/** Opens a snapshot with the key, checks its integrity and returns its row counts. */
export function verifySnapshot(path: string, dbKey: Buffer): Record<string, number> {
  const db = openEncryptedDatabase({ path, key: dbKey, mustExist: true, readonly: true });
  try {
    const integrity = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      throw new AppError(
        'INTERNAL',
        `Snapshot integrity check failed: ${integrity.slice(0, 3).join('; ')}`,
        {
          reason: 'snapshot_integrity_failed',
        },
      );
    }
    return countRows(db);
  } finally {
    db.close();
  }
}

/** A snapshot's row counts, without the integrity check. */
export function snapshotRowCounts(path: string, dbKey: Buffer): Record<string, number> {
  const db = openEncryptedDatabase({ path, key: dbKey, mustExist: true, readonly: true });
  try {
    return countRows(db);
  } finally {
    db.close();
  }
}

function snapshotAuditHead(path: string, dbKey: Buffer, at: number) {
  const db = openEncryptedDatabase({ path, key: dbKey, mustExist: true, readonly: true });
  try {
    return auditHeadOf(db, at);
  } finally {
    db.close();
  }
}

/** Copies the named data-folder files that exist into `files/`, with their checksums. */
async function copyDataFiles(
  dataDir: string | undefined,
  names: string[],
  into: string,
): Promise<{ name: string; sha256: string }[]> {
  const copied: { name: string; sha256: string }[] = [];
  if (!dataDir) return copied;
  for (const name of names) {
    const source = join(dataDir, name);
    if (!existsSync(source)) continue;
    const target = join(into, FILES_DIR, name);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    copyFileSync(source, target);
    chmodSync(target, 0o600);
    copied.push({ name, sha256: await sha256File(target) });
  }
  return copied;
}
