import { afterEach, describe, expect, it } from 'vitest';
import type { ShippedSegment } from '../src/index.ts';
import { BackupWorld, sleep } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe('the segment-uploaded hook', () => {
  it('reports every commit once, in order, after the tier holds its segment', async () => {
    world = new BackupWorld();
    const uploaded: (ShippedSegment & { uploadedAt: number })[] = [];
    const engine = world.start({ onSegmentUploaded: (s) => uploaded.push(s) });
    await engine.flush();

    // One row per transaction: 30 commits, seen over several cuts.
    for (let i = 0; i < 3; i += 1) {
      world.write(`batch${i}`, 10);
      await sleep(250);
    }
    await engine.flush();

    expect(uploaded.reduce((sum, s) => sum + s.commits, 0)).toBe(30);
    expect(uploaded.map((s) => s.sequence)).toEqual(
      [...uploaded.keys()].map((i) => i + 1),
    );
    for (const segment of uploaded) {
      expect(segment.uploadedAt).toBeGreaterThanOrEqual(segment.toMs);
      const held = await world.providers
        .providersOf('appliance', 'backup')[0]!
        .provider.head(segment.key);
      expect(held).toBeDefined();
    }
  });
});
