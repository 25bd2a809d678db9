import { statSync } from 'node:fs';
import { sealedSize, SizedSealer, type KeySetup } from '@flowgento/crypto';
import type { TierStore, UnhashedTierPutResult } from '@flowgento/storage';
import {
  verifySnapshotOffThread,
  type RunningVerification,
  type SnapshotFacts,
} from '../verify-thread.ts';
import { fileReader, type LiveSnapshot, type SnapshotReader } from './live-snapshot.ts';
import { manifestKey, snapshotKey } from './object-names.ts';
import {
  sealManifest,
  snapshotSealContext,
  type SnapshotManifest,
} from './snapshot-manifest.ts';
import { sha256Of } from '../wal/segment.ts';
import type { SpooledSnapshot } from './spool.ts';

/** Sealed snapshots are cut in 1 MiB chunks: few tags, and parts fill evenly. */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

export type ByteProgress = (done: number, total: number) => void;

/**
 * Uploads a spooled snapshot copy: seals it as it streams to the backup tier
 * while a second thread checks that it opens and passes integrity_check,
 * then writes its manifest. The manifest goes last and only after both, so
 * a snapshot cut off half-way or failing its check has none and is never
 * chosen by a restore (a failed check also removes the uploaded object).
 *
 * With `live`, the snapshot is read from the database file itself (see
 * `LiveSnapshot`), and the check is the one it started.
 */
export async function uploadSnapshot(input: {
  spooled: SpooledSnapshot;
  live?: LiveSnapshot;
  tier: TierStore;
  backupKey: Buffer;
  databaseKey: Buffer;
  installationId: string;
  keySetup: KeySetup;
  onProgress?: ByteProgress;
}): Promise<SnapshotManifest> {
  const { spooled, live } = input;
  const verification: RunningVerification = live
    ? { facts: live.checked, cancel: () => undefined }
    : verifySnapshotOffThread(spooled.path, input.databaseKey);
  const bytes = live ? live.bytes : statSync(spooled.path).size;
  const where = {
    generation: spooled.generation,
    baseSequence: spooled.baseSequence,
    atMs: spooled.atMs,
  };
  const aad = snapshotSealContext(input.installationId, where);
  // No hash of the plain file nor of the sealed object: every sealed chunk
  // is authenticated under the backup key, with its place in the object, a
  // last-chunk flag and the object's name and time, and the manifest (sealed
  // too) keeps the sealed size, so a changed, cut or swapped byte cannot
  // open. Each hash cost a pass over every byte on the event loop, on upload
  // and again on download, competing with the gateway for the CPU.
  const body = () =>
    sealedFile({
      reader: live ? live.reader() : fileReader(spooled.path),
      bytes,
      sealer: new SizedSealer(
        input.backupKey,
        { aad, chunkBytes: SNAPSHOT_CHUNK_BYTES },
        bytes,
      ),
      onProgress: input.onProgress,
    });
  const key = snapshotKey(where);
  let stored: UnhashedTierPutResult;
  try {
    stored = await input.tier.put('appliance', 'backup', key, body, {
      size: sealedSize(bytes, SNAPSHOT_CHUNK_BYTES),
      digest: 'none',
    });
  } catch (error) {
    verification.cancel();
    throw error;
  }
  let facts: SnapshotFacts;
  try {
    facts = await verification.facts;
  } catch (error) {
    await input.tier.delete('appliance', 'backup', key).catch(() => undefined);
    throw error;
  }

  const manifest: SnapshotManifest = {
    format: 1,
    installationId: input.installationId,
    ...where,
    chainSha256: spooled.chainSha256,
    schemaVersion: facts.schemaVersion,
    bytes,
    sealed: { size: stored.size },
    rowCounts: facts.rowCounts,
    keySetup: { ...input.keySetup },
  };
  const sealed = sealManifest(input.backupKey, manifest);
  await input.tier.put(
    'appliance',
    'backup',
    manifestKey({ ...where, sha256: sha256Of(sealed) }),
    () => sealed,
  );
  return manifest;
}

/**
 * The sealed object, read one chunk at a time into one reused buffer (the
 * sealer is done with it when it returns): a new buffer for every read cost
 * a page fault per 4 KiB.
 */
async function* sealedFile(input: {
  reader: SnapshotReader;
  bytes: number;
  sealer: SizedSealer;
  onProgress?: ByteProgress;
}): AsyncGenerator<Buffer> {
  const { sealer, reader } = input;
  try {
    yield sealer.header;
    const buffer = Buffer.allocUnsafeSlow(sealer.chunkBytes);
    for (let at = 0, chunk = 0; chunk < sealer.chunks; chunk += 1) {
      const length = sealer.nextLength;
      await reader.read(buffer.subarray(0, length), at);
      at += length;
      input.onProgress?.(at, input.bytes);
      yield* sealer.seal(buffer.subarray(0, length));
    }
  } finally {
    await reader.close();
  }
}
