import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, isAppError } from '@flowgento/core';
import { decryptBytes } from '@flowgento/crypto';
import type { TierProviders, TierStore } from '@flowgento/storage';
import { removeIdleSideFiles } from '@flowgento/store';
import { snapshotRowCounts, verifySnapshot } from '../create-backup.ts';
import { leaseKey, sealContext, type SegmentName } from '../chain/object-names.ts';
import {
  openManifest,
  snapshotSealContext,
  type SnapshotManifest,
} from '../chain/snapshot-manifest.ts';
import { decodeSegment, sha256Of } from '../wal/segment.ts';
import { downloadSealed, readObject } from './download.ts';
import { listBackupTier, type TierListing } from './listing.ts';
import { planRestore } from './plan.ts';
import { FrameReplay } from './replay.ts';

/** How long a restore's lease keeps retention off what it needs. */
export const LEASE_MS = 6 * 60 * 60 * 1000;
export const RESTORED_FILE = 'flowgento.db';

export type RestoreProgress = (step: string, done: number, total: number) => void;

export interface PointInTimeReport {
  path: string;
  manifest: SnapshotManifest;
  /** The newest commit replayed (the snapshot's time when none was). */
  reachedMs: number;
  commits: number;
  segments: number;
  rowCounts: Record<string, number>;
  /** What `beforeVerify` did to the rebuilt file; undefined without one. */
  reapplied?: Reapplied;
}

/**
 * What work on the rebuilt file changed before its final check (the erasure
 * ledger's re-apply): how many erasures, and the change in each counted
 * table's rows, which the check then expects exactly.
 */
export interface Reapplied {
  erasures: number;
  rowChanges: Record<string, number>;
}

/**
 * Rebuilds the database as it was at `at` into `intoDir` (which must hold
 * no database): downloads the snapshot, verifies it against its manifest,
 * replays segments in order checking their sequence and hash chain, stops
 * at the last commit at or before `at`, then checks the result's integrity. A
 * lease in the tier keeps retention off everything it needs meanwhile.
 */
export async function restoreToTime(input: {
  providers: TierProviders;
  tier: TierStore;
  backupKey: Buffer;
  /**
   * The database key, or how to find it from the snapshot's manifest: on a
   * new machine only the manifest's `keySetup` says how the root key is made.
   */
  databaseKey: Buffer | ((manifest: SnapshotManifest) => Promise<Buffer>);
  installationId: string;
  at: number;
  intoDir: string;
  now?: number;
  onProgress?: RestoreProgress;
  /**
   * Runs on the rebuilt file before its final check and before it takes
   * its name, so nothing can open the restored database before this ran.
   */
  beforeVerify?: (path: string, databaseKey: Buffer) => Promise<Reapplied>;
}): Promise<PointInTimeReport> {
  const progress = input.onProgress ?? (() => undefined);
  const now = input.now ?? Date.now();
  const target = join(input.intoDir, RESTORED_FILE);
  if (existsSync(target)) {
    throw new AppError(
      'CONFLICT',
      `${input.intoDir} already holds a database; restore into a new folder`,
      {
        reason: 'restore_target_not_empty',
      },
    );
  }
  const listing = await listBackupTier(input.providers);
  const plan = planRestore(listing.names, input.at, now);
  const { snapshot } = plan;
  const lease = leaseKey(
    {
      expiresMs: now + LEASE_MS,
      generation: snapshot.generation,
      baseSequence: snapshot.baseSequence,
      toSequence: plan.segments.at(-1)?.sequence ?? snapshot.baseSequence,
    },
    randomBytes(8).toString('hex'),
  );
  await input.tier.put('appliance', 'backup', lease, () =>
    Buffer.from('restore in progress\n'),
  );

  mkdirSync(input.intoDir, { recursive: true, mode: 0o700 });
  const partial = `${target}.restoring`;
  rmSync(partial, { force: true });
  try {
    const where = { installationId: input.installationId, ...snapshot };
    const sealedManifest = await readObject(
      holder(listing, snapshot.manifest.key),
      snapshot.manifest.key,
      {
        size: listing.sizeOf.get(snapshot.manifest.key)!,
        sha256: snapshot.manifest.sha256,
      },
    );
    const manifest = openManifestOrExplain(input.backupKey, sealedManifest, where);
    const databaseKey =
      typeof input.databaseKey === 'function'
        ? await input.databaseKey(manifest)
        : input.databaseKey;
    const sha256 = await downloadSealed({
      provider: holder(listing, snapshot.snapshot.key),
      key: snapshot.snapshot.key,
      // Without a hash (newer snapshots), the opener authenticates every
      // chunk and the provider checks the sealed size.
      expected: { size: manifest.sealed.size, sha256: manifest.sealed.sha256 ?? null },
      backupKey: input.backupKey,
      aad: snapshotSealContext(input.installationId, snapshot, manifest.sealed.sha256),
      path: partial,
      hashPlain: manifest.sha256 !== undefined,
      onProgress: (done, total) => progress('downloading snapshot (bytes)', done, total),
    }).catch((cause: unknown) => {
      throw isDamage(cause) ? snapshotDamaged(snapshot, cause) : cause;
    });
    if (sha256 !== manifest.sha256) throw checksumMismatch();
    // The bytes are the ones that passed the integrity check when the
    // snapshot was taken (same SHA-256); the restored file gets its own full
    // check below, so one run of it covers both.
    progress('verifying snapshot', 0, 1);
    expectCounts(snapshotRowCounts(partial, databaseKey), manifest.rowCounts);

    const replay = new FrameReplay(partial, input.at);
    let previous = manifest.chainSha256;
    try {
      for (const [index, segment] of plan.segments.entries()) {
        progress('replaying segments', index, plan.segments.length);
        const plain = await openSegment(listing, segment, input);
        const { header, frames } = decodeSegment(plain);
        if (
          header.sequence !== segment.sequence ||
          header.generation !== segment.generation ||
          header.previousSha256 !== previous
        ) {
          throw chainBroken(segment);
        }
        previous = sha256Of(plain);
        if (!replay.apply(header, frames)) break;
      }
      progress('replaying segments', plan.segments.length, plan.segments.length);
    } finally {
      replay.finish();
    }
    let reapplied: Reapplied | undefined;
    let replayed: Record<string, number> | undefined;
    if (input.beforeVerify) {
      replayed = snapshotRowCounts(partial, databaseKey);
      reapplied = await input.beforeVerify(partial, databaseKey);
    }
    progress('verifying restored database', 0, 1);
    const rowCounts = verifySnapshot(partial, databaseKey);
    if (replayed && reapplied) expectChanges(replayed, rowCounts, reapplied.rowChanges);
    // The checks opened it read-only: their empty log would stay behind
    // under the temporary name.
    removeIdleSideFiles(partial);
    renameSync(partial, target);
    return {
      path: target,
      manifest,
      reachedMs: replay.lastCommit?.at ?? snapshot.atMs,
      commits: replay.commits,
      segments: plan.segments.length,
      rowCounts,
      reapplied,
    };
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${partial}${suffix}`, { force: true });
    throw error;
  } finally {
    await input.tier.delete('appliance', 'backup', lease).catch(() => undefined);
  }
}

async function openSegment(
  listing: TierListing,
  segment: SegmentName,
  input: { backupKey: Buffer; installationId: string },
): Promise<Buffer> {
  try {
    const sealed = await readObject(holder(listing, segment.key), segment.key, {
      size: listing.sizeOf.get(segment.key)!,
      sha256: segment.sha256,
    });
    return decryptBytes(input.backupKey, sealed, {
      aad: sealContext(
        input.installationId,
        segment.generation,
        `segment/${segment.sequence}`,
      ),
    });
  } catch (cause) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `Segment ${segment.sequence} of generation ${segment.generation} ` +
        `(${new Date(segment.fromMs).toISOString()} to ${new Date(segment.toMs).toISOString()}) ` +
        'could not be read or opened with the backup key',
      { reason: 'backup_segment_unreadable', cause },
    );
  }
}

/**
 * The manifest is sealed with the backup key and bound to the installation
 * id, so the first thing a wrong key or a wrong id breaks is this: say so
 * plainly (the cipher's own error says neither).
 */
function openManifestOrExplain(
  backupKey: Buffer,
  sealed: Buffer,
  where: Parameters<typeof openManifest>[2],
): SnapshotManifest {
  try {
    return openManifest(backupKey, sealed, where);
  } catch (cause) {
    if (cause instanceof AppError && cause.reason === 'backup_manifest_malformed') {
      throw cause;
    }
    throw new AppError(
      'PRECONDITION_FAILED',
      `The snapshot manifest of generation ${where.generation} could not be opened ` +
        `with this backup key for installation ${where.installationId}: check the ` +
        'backup key and the installation id against the recovery kit',
      { reason: 'backup_manifest_unopenable', cause },
    );
  }
}

function holder(listing: TierListing, key: string) {
  const provider = listing.holderOf.get(key);
  if (!provider) throw new AppError('INTERNAL', `No provider holds ${key}`);
  return provider;
}

function expectCounts(actual: Record<string, number>, expected: Record<string, number>) {
  for (const [table, count] of Object.entries(expected)) {
    if (actual[table] !== count) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `Row count of ${table} in the snapshot is ${actual[table]}, its manifest says ${count}`,
        { reason: 'restore_count_mismatch' },
      );
    }
  }
}

/**
 * The rows of the replayed point, changed only as `beforeVerify` said: a
 * table it did not name must be as replayed.
 */
function expectChanges(
  replayed: Record<string, number>,
  actual: Record<string, number>,
  changes: Record<string, number>,
) {
  const expected = Object.fromEntries(
    Object.entries(replayed).map(([table, n]) => [table, n + (changes[table] ?? 0)]),
  );
  try {
    expectCounts(actual, expected);
  } catch (cause) {
    throw new AppError(
      'PRECONDITION_FAILED',
      'The restored database does not hold what the erasure ledger re-apply left: ' +
        (cause instanceof Error ? cause.message : String(cause)),
      { reason: 'restore_count_mismatch', cause },
    );
  }
}

function checksumMismatch() {
  return new AppError(
    'PRECONDITION_FAILED',
    'The snapshot does not match its manifest checksum',
    {
      reason: 'snapshot_checksum_mismatch',
    },
  );
}

/** A download that failed on the bytes themselves, not on the way to them. */
function isDamage(error: unknown): boolean {
  return (
    isAppError(error) &&
    (error.reason === 'sealed_stream_invalid' || error.reason === 'checksum_mismatch')
  );
}

function snapshotDamaged(snapshot: { generation: string; atMs: number }, cause: unknown) {
  return new AppError(
    'PRECONDITION_FAILED',
    `The snapshot of generation ${snapshot.generation} taken at ` +
      `${new Date(snapshot.atMs).toISOString()} is damaged, cut short or not the ` +
      'object its manifest names: nothing was restored',
    { reason: 'backup_snapshot_damaged', cause },
  );
}

function chainBroken(segment: SegmentName) {
  return new AppError(
    'PRECONDITION_FAILED',
    `Segment ${segment.sequence} of generation ${segment.generation} does not follow ` +
      'the one before it (hash chain broken)',
    { reason: 'backup_chain_broken' },
  );
}
