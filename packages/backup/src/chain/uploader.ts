import { readFileSync } from 'node:fs';
import type { KeySetup } from '@flowgento/crypto';
import type { TierStore } from '@flowgento/storage';
import { parseObjectName } from './object-names.ts';
import type { Spool } from './spool.ts';
import { uploadSnapshot, type ByteProgress } from './snapshot-upload.ts';
import type { SnapshotManifest } from './snapshot-manifest.ts';

export interface UploadListener {
  segmentUploaded(segment: { key: string; toMs: number }): void;
  snapshotUploaded(manifest: SnapshotManifest): void;
  snapshotProgress?: ByteProgress;
}

/**
 * Empties the spool into the backup tier, in order: snapshots first, then
 * segments by generation and sequence. An entry leaves the spool only after
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
}): Promise<void> {
  for (const entry of input.spool.entries()) {
    if (entry.kind === 'snapshot') {
      const manifest = await uploadSnapshot({
        spooled: entry,
        tier: input.tier,
        backupKey: input.backupKey,
        databaseKey: input.databaseKey,
        installationId: input.installationId,
        keySetup: input.keySetup,
        onProgress: input.listener.snapshotProgress,
      });
      input.spool.remove(entry.path);
      input.listener.snapshotUploaded(manifest);
      continue;
    }
    const bytes = readFileSync(entry.path);
    await input.tier.put('appliance', 'backup', entry.key, () => bytes);
    input.spool.remove(entry.path);
    const name = parseObjectName(entry.key);
    input.listener.segmentUploaded({
      key: entry.key,
      toMs: name?.kind === 'segment' ? name.toMs : 0,
    });
  }
}
