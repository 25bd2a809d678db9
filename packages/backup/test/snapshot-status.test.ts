import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupWorld } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the last snapshot on the Backups screen', () => {
  it('is not shown while its upload fails, and is once its manifest is in the tier', async () => {
    world = new BackupWorld();
    // The tier's folder is a file: every upload to it fails.
    const tierFolder = join(world.dir, 'tier');
    writeFileSync(tierFolder, 'not a folder');
    world.write('a', 10);
    const engine = world.start();
    await sleep(700);
    await engine.flush();

    const failing = engine.status();
    expect(failing.lastError).not.toBeNull();
    expect(failing.lastSnapshotAt).toBeNull();
    expect(failing.generation).toBeNull();

    rmSync(tierFolder);
    await engine.flush();
    const uploaded = engine.status();
    expect(uploaded.lastError).toBeNull();
    expect(uploaded.lastSnapshotAt).not.toBeNull();
    expect(uploaded.generation).not.toBeNull();
  });
});
