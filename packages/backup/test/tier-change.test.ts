import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LocalDiskProvider,
  OrderedTierStore,
  type TierProviders,
} from '@flowgento/storage';
import { restoreToTime } from '../src/index.ts';
import { BackupWorld, sleep, workspaceIds } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe('a backup tier that moves to another provider', () => {
  it('starts a new generation there, so the new place alone restores the present', async () => {
    world = new BackupWorld();
    const engine = world.start();
    await engine.flush();
    world.write('before-move', 5);
    await sleep(300);
    await engine.flush();

    // The operator puts another provider first in the backup tier.
    const moved = {
      providerId: 'moved',
      provider: new LocalDiskProvider(join(world.dir, 'moved')),
    };
    const list = world.providers.providersOf('appliance', 'backup');
    list.unshift(moved);
    await sleep(400);
    await engine.flush();
    world.write('after-move', 5);
    await sleep(300);
    await engine.flush();

    const onlyMoved: TierProviders = { providersOf: () => [moved] };
    const report = await restoreToTime({
      providers: onlyMoved,
      tier: new OrderedTierStore(onlyMoved),
      backupKey: world.backupKey,
      databaseKey: world.databaseKey,
      installationId: world.installationId,
      at: Date.now(),
      intoDir: join(world.dir, 'restored'),
    });
    world.readRestored(report.path, (restored) => {
      expect(workspaceIds(restored)).toEqual(workspaceIds(world!.db));
    });
    expect(
      readdirSync(join(world.dir, 'moved'), { recursive: true }).length,
    ).toBeGreaterThan(0);
  });
});
