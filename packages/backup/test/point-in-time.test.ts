import { afterEach, describe, expect, it } from 'vitest';
import { BackupWorld, sleep, workspaceIds } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

/** Waits until the next whole second has begun, and returns it. */
async function nextSecond(): Promise<number> {
  const second = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await sleep(second - Date.now() + 50);
  return second;
}

describe('restore to a point in time', () => {
  it('reproduces exactly the rows that existed at the chosen second', async () => {
    world = new BackupWorld();
    world.write('before', 20);
    const engine = world.start();
    await engine.flush();
    world.write('a', 40);
    await sleep(400); // the shipper sees batch A's commits before the second ends
    const at = await nextSecond();
    const expected = workspaceIds(world.db);
    world.write('b', 40);
    await sleep(300);
    await engine.flush();
    await engine.enforceRetention();
    const status = engine.status();
    expect(status).toMatchObject({ lagMs: 0, pendingSegments: 0, lastError: null });
    expect(status.restorableFrom).toBeLessThan(at);
    expect(status.restorableTo).toBeGreaterThan(at);

    const report = await world.restore(at);
    world.readRestored(report.path, (restored) => {
      expect(workspaceIds(restored)).toEqual(expected);
      expect(expected.filter((id) => id.startsWith('a-'))).toHaveLength(40);
      // Batch A came from shipped segments, not from the snapshot.
      expect(report.segments).toBeGreaterThan(0);
      expect(report.reachedMs).toBeLessThanOrEqual(at);
    });
  });
});

describe('a checkpoint the engine did not take', () => {
  it('starts a new generation, so the changes it swallowed are still restored', async () => {
    world = new BackupWorld();
    const engine = world.start();
    await engine.flush();
    world.write('a', 10);
    await sleep(700); // shipped, and checkpointed by the engine
    const first = engine.status().generation;
    // Written and checkpointed away in one synchronous run: the engine never sees it in the log.
    // B fills pages of its own; C's one row rewrites only the last of them.
    world.write('b', 60);
    world.db.pragma('wal_checkpoint(TRUNCATE)');
    world.write('c', 1);
    await sleep(700);
    await engine.flush();
    expect(engine.status().generation).not.toBe(first);

    const report = await world.restore(Date.now());
    world.readRestored(report.path, (restored) => {
      expect(workspaceIds(restored)).toEqual(workspaceIds(world!.db));
    });
  });
});
