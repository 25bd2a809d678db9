import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '@flowgento/core';
import { openEncryptedDatabase } from '@flowgento/store';
import { parseObjectName } from '../src/index.ts';
import { BackupWorld, sleep } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

async function caught(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected the restore to fail');
}

/** Writes three batches, each cut into its own segment, and ships them. */
async function threeSegments(w: BackupWorld) {
  const engine = w.start();
  await engine.flush();
  for (const batch of ['a', 'b', 'c']) {
    w.write(batch, 10);
    await sleep(300);
    await engine.flush();
  }
  const keys: string[] = [];
  for await (const o of w.providers
    .providersOf('appliance', 'backup')[0]!
    .provider.list('db/'))
    keys.push(o.key);
  return keys.map((k) => parseObjectName(k)!).filter((n) => n.kind === 'segment');
}

describe('a restore refuses what it cannot do exactly', () => {
  it('names a deleted segment and fails instead of skipping it', async () => {
    world = new BackupWorld();
    const segments = await threeSegments(world);
    expect(segments.length).toBeGreaterThanOrEqual(3);
    const victim = segments[1]!;
    await world.tier.delete('appliance', 'backup', victim.key);

    const error = await caught(world.restore(Date.now()));
    expect(error.reason).toBe('backup_segment_missing');
    expect(error.message).toContain(
      `Segment ${victim.sequence} of generation ${victim.generation}`,
    );
  });

  it('names the valid range for a time outside the window', async () => {
    world = new BackupWorld();
    await threeSegments(world);
    const error = await caught(world.restore(Date.now() - 24 * 60 * 60 * 1000));
    expect(error.reason).toBe('restore_time_outside_window');
    expect(error.message).toMatch(/the valid range is \d{4}-\d\d-\d\dT.+Z to \d{4}-/);
    const future = await caught(world.restore(Date.now() + 60_000));
    expect(future.reason).toBe('restore_time_outside_window');
  });

  it('writes a restored file that nothing opens without the database key', async () => {
    world = new BackupWorld();
    await threeSegments(world);
    const report = await world.restore(Date.now());
    const bytes = readFileSync(report.path);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('xxxxxxxxxxxxxxxx'))).toBe(false);
    const wrongKey = (() => {
      try {
        openEncryptedDatabase({
          path: report.path,
          key: randomBytes(32),
          mustExist: true,
          readonly: true,
        });
      } catch (error) {
        return error;
      }
    })();
    expect(isAppError(wrongKey) && wrongKey.reason).toBe('database_key_rejected');
  });
});
