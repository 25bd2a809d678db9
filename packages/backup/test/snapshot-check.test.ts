import { closeSync, copyFileSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadSnapshot } from '../src/chain/snapshot-upload.ts';
import { BackupWorld, KEY_SETUP } from './support/backup-world.ts';

/**
 * The snapshot's integrity check runs on its own thread while the snapshot
 * is sealed and uploaded: its verdict must still decide whether the
 * snapshot counts.
 */
describe('a snapshot checked while it uploads', () => {
  let world: BackupWorld | undefined;
  afterEach(async () => world?.cleanup());

  const spooledCopy = (from: BackupWorld, name: string) => {
    from.write('rows', 400);
    from.db.pragma('wal_checkpoint(TRUNCATE)');
    const path = join(from.dir, name);
    copyFileSync(from.databasePath, path);
    return {
      kind: 'snapshot' as const,
      generation: 'g-check',
      baseSequence: 0,
      atMs: Date.now(),
      chainSha256: '0'.repeat(64),
      path,
    };
  };
  const upload = (from: BackupWorld, spooled: ReturnType<typeof spooledCopy>) =>
    uploadSnapshot({
      spooled,
      tier: from.tier,
      backupKey: from.backupKey,
      databaseKey: from.databaseKey,
      installationId: from.installationId,
      keySetup: KEY_SETUP,
    });
  const stored = async (from: BackupWorld) => {
    const keys: string[] = [];
    for (const { provider } of from.providers.providersOf('appliance', 'backup')) {
      for await (const object of provider.list()) keys.push(object.key);
    }
    return keys;
  };

  it('records the row counts the check found in the manifest', async () => {
    world = new BackupWorld();
    const manifest = await upload(world, spooledCopy(world, 'good.db'));
    expect(manifest.rowCounts.workspaces).toBe(400);
    expect(manifest.schemaVersion).toBeGreaterThan(0);
    expect((await stored(world)).length).toBe(2);
  });

  it('leaves neither manifest nor snapshot behind when the copy is damaged', async () => {
    world = new BackupWorld();
    const spooled = spooledCopy(world, 'damaged.db');
    // Overwrite a page in the middle: its authentication tag no longer matches.
    const fd = openSync(spooled.path, 'r+');
    writeSync(
      fd,
      Buffer.alloc(4096, 0x5a),
      0,
      4096,
      Math.floor(statSync(spooled.path).size / 8192) * 4096,
    );
    closeSync(fd);

    await expect(upload(world, spooled)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await stored(world)).toEqual([]);
  });
});
