import { readFileSync } from 'node:fs';
import { AppError } from '@flowgento/core';
import type { KeySetup } from '@flowgento/crypto';
import type { TierStore } from '@flowgento/storage';
import { parseObjectName } from './object-names.ts';
import type { LiveSnapshot } from './live-snapshot.ts';
import type { Spool, SpooledSegment, SpooledSnapshot } from './spool.ts';
import { uploadSnapshot, type ByteProgress } from './snapshot-upload.ts';
import type { SnapshotManifest } from './snapshot-manifest.ts';

export interface UploadListener {
  segmentUploaded(segment: { key: string; toMs: number }): void;
  snapshotUploaded(manifest: SnapshotManifest): void;
  snapshotProgress?: ByteProgress;
}

/** Segment uploads at once: a slow request must not hold the next ones back. */
const SEGMENTS_IN_FLIGHT = 4;

/**
 * Empties the spool into the backup tier, in order: snapshots first, then
 * segments by generation and sequence. Segments cut while a pass runs are
 * taken by the same pass (waiting for the next cut to start another added a
 * cut interval to the shipping lag). An entry leaves the spool only after
 * the tier took it; a failure stops the pass (the caller retries later), so
 * a provider outage only makes the spool longer.
 */
export async function drainSpool(input: {
  spool: Spool;
  tier: TierStore;
  backupKey: Buffer;
  databaseKey: Buffer;
  installationId: string;
  keySetup: KeySetup;
  listener: UploadListener;
  /** Awaited before each upload (see `BackupEngineOptions.beforeUpload`). */
  beforeUpload?: () => Promise<void>;
  /**
   * A snapshot read from the database file, handed out once: it goes
   * first. If its upload fails, it is copied into the spool and waits there
   * for the next pass like any other.
   */
  takeLiveSnapshot?: () => LiveSnapshot | undefined;
}): Promise<void> {
  const taken = new Set<string>();
  const send = (spooled: SpooledSnapshot, live?: LiveSnapshot) =>
    uploadSnapshot({
      spooled,
      live,
      tier: input.tier,
      backupKey: input.backupKey,
      databaseKey: input.databaseKey,
      installationId: input.installationId,
      keySetup: input.keySetup,
      onProgress: input.listener.snapshotProgress,
    });
  for (;;) {
    const live = input.takeLiveSnapshot?.();
    if (live) {
      taken.add(live.spooled.path);
      let manifest: SnapshotManifest;
      try {
        await input.beforeUpload?.();
        manifest = await send(live.spooled, live);
      } catch (error) {
        const copyFailure = await live.failed();
        if (copyFailure === null) throw error;
        throw snapshotLost(error, copyFailure);
      }
      input.listener.snapshotUploaded(manifest);
      await live.uploaded();
      continue;
    }
    const entries = input.spool.entries().filter((e) => !taken.has(e.path));
    if (entries.length === 0) return;
    const [first] = entries;
    await input.beforeUpload?.();
    if (first!.kind === 'snapshot') {
      const manifest = await send(first!);
      input.spool.remove(first!.path);
      taken.add(first!.path);
      input.listener.snapshotUploaded(manifest);
      continue;
    }
    const segments = entries
      .filter((e): e is SpooledSegment => e.kind === 'segment')
      .slice(0, SEGMENTS_IN_FLIGHT);
    await uploadInOrder(segments, input);
    for (const segment of segments) taken.add(segment.path);
  }
}

/**
 * Sends a few segments at once but lets them leave the spool, and count as
 * shipped, strictly in sequence: one is reported only after every earlier
 * one is in the tier. A later one may land before an earlier one that then
 * fails; it stays spooled too and is sent again (same key, same bytes), and
 * a restore never skips the gap (`restore/plan.ts` names it).
 */
async function uploadInOrder(
  segments: SpooledSegment[],
  input: { spool: Spool; tier: TierStore; listener: UploadListener },
): Promise<void> {
  const sent = segments.map((entry) => {
    const bytes = readFileSync(entry.path);
    return input.tier.put('appliance', 'backup', entry.key, () => bytes);
  });
  // Failures surface in order below; the others must not count as unhandled.
  for (const sending of sent) sending.catch(() => undefined);
  for (const [index, entry] of segments.entries()) {
    await sent[index];
    input.spool.remove(entry.path);
    const name = parseObjectName(entry.key);
    input.listener.segmentUploaded({
      key: entry.key,
      toMs: name?.kind === 'segment' ? name.toMs : 0,
    });
  }
}

/**
 * A snapshot whose upload failed and whose copy could not be made either:
 * its generation cannot be restored, so the engine starts a new one.
 */
export const SNAPSHOT_LOST = 'backup_snapshot_lost';

function snapshotLost(cause: unknown, copyFailure: unknown): AppError {
  // The system's error code (ENOSPC, EACCES) says why; its message would
  // name the data folder's path.
  const code = (copyFailure as { code?: unknown } | null)?.code;
  const why = typeof code === 'string' ? code : 'the copy failed';
  return new AppError(
    'UPSTREAM_FAILED',
    `The snapshot could not be uploaded, nor copied into the spool for a later ` +
      `attempt (${why}): a new generation starts with a new snapshot`,
    { reason: SNAPSHOT_LOST, cause },
  );
}
