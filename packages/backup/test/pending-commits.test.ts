import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameReplay } from '../src/restore/replay.ts';
import { PendingCommits } from '../src/wal/pending-commits.ts';
import type { SegmentHeader } from '../src/wal/segment.ts';
import type { WalFrame } from '../src/wal/wal-format.ts';

const PAGE = 512;

/** A frame writing `page` filled with `fill`; `commitPages` > 0 ends a commit. */
function frame(pageNumber: number, fill: number, commitPages = 0): WalFrame {
  return { pageNumber, commitPages, page: Buffer.alloc(PAGE, fill) };
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('commits waiting to be cut into a segment', () => {
  it('keeps commits seen at one time as one point with the last image of each page', () => {
    const pending = new PendingCommits();
    pending.add([frame(1, 1), frame(2, 1, 4)], 100);
    pending.add([frame(2, 2), frame(3, 2, 5), frame(1, 3, 5)], 100);
    pending.add([frame(2, 4, 5)], 200);

    expect(pending.count).toBe(4);
    expect(pending.since).toBe(100);
    const { frames, commits, transactions } = pending.take();
    expect(transactions).toBe(4);
    expect(commits).toEqual([
      { endFrame: 3, dbPages: 5, at: 100, transactions: 3 },
      { endFrame: 4, dbPages: 5, at: 200 },
    ]);
    expect(frames.map((f) => [f.pageNumber, f.page[0]])).toEqual([
      [1, 3],
      [2, 2],
      [3, 2],
      [2, 4],
    ]);
    expect(pending.count).toBe(0);
    expect(pending.frameCount).toBe(0);
  });

  it('keeps copies of the images, not the whole read they were sliced from', () => {
    const read = Buffer.alloc(PAGE * 100, 5);
    const frames = Array.from({ length: 100 }, (_, i) => ({
      pageNumber: 1 + (i % 3),
      commitPages: 3,
      page: read.subarray(i * PAGE, (i + 1) * PAGE),
    }));
    const pending = new PendingCommits();
    pending.add(frames, 100);
    const taken = pending.take();
    expect(taken.frames).toHaveLength(3);
    for (const image of taken.frames) {
      expect(image.page.buffer).not.toBe(read.buffer);
      expect(image.page.equals(Buffer.alloc(PAGE, 5))).toBe(true);
    }
  });

  it('refuses frames that end inside a commit, and keeps what it held', () => {
    const pending = new PendingCommits();
    pending.add([frame(1, 1, 1)], 100);
    expect(() => pending.add([frame(1, 9, 1), frame(2, 9)], 100)).toThrow(
      /whole commits/,
    );
    expect(pending.take()).toMatchObject({
      commits: [{ endFrame: 1, dbPages: 1, at: 100 }],
      transactions: 1,
    });
  });

  it('leaves a restore to any time exactly what replaying every commit would', () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-pending-'));
    // A random log: commits of one to six page writes, some shrinking the
    // file, stamped in reads that hold one to several commits.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const raw: { frames: WalFrame[]; at: number }[] = [];
    let at = 1000;
    for (let i = 0; i < 300; i += 1) {
      if (random(3) === 0) at += 1 + random(5);
      const dbPages = 4 + random(8);
      const writes = 1 + random(6);
      const frames = Array.from({ length: writes }, (_, w) =>
        frame(1 + random(dbPages), random(256), w === writes - 1 ? dbPages : 0),
      );
      raw.push({ frames, at });
    }
    const pending = new PendingCommits();
    for (const commit of raw) pending.add(commit.frames, commit.at);
    const coalesced = pending.take();
    expect(coalesced.transactions).toBe(raw.length);
    expect(coalesced.frames.length).toBeLessThan(raw.flatMap((c) => c.frames).length / 2);

    // Each commit on its own, as segments were before.
    const everyFrame = raw.flatMap((c) => c.frames);
    let end = 0;
    const oneByOne: SegmentHeader['commits'] = raw.map((c) => ({
      endFrame: (end += c.frames.length),
      dbPages: c.frames.at(-1)!.commitPages,
      at: c.at,
    }));
    const header = (commits: SegmentHeader['commits']): SegmentHeader => ({
      format: 1,
      generation: 'g',
      sequence: 1,
      previousSha256: '0'.repeat(64),
      pageSize: PAGE,
      commits,
    });
    const restoreTo = (
      until: number,
      commits: SegmentHeader['commits'],
      frames: WalFrame[] | typeof coalesced.frames,
    ) => {
      const path = join(dir!, `${until}-${commits.length}.db`);
      writeFileSync(path, Buffer.alloc(PAGE * 4, 0xee));
      const replay = new FrameReplay(path, until);
      replay.apply(header(commits), frames);
      replay.finish();
      return { bytes: readFileSync(path), commits: replay.commits };
    };
    for (let until = 999; until <= at + 1; until += 1) {
      const expected = restoreTo(until, oneByOne, everyFrame);
      const actual = restoreTo(until, coalesced.commits, coalesced.frames);
      expect(actual.bytes.equals(expected.bytes), `restore to ${until}`).toBe(true);
      expect(actual.commits).toBe(expected.commits);
    }
  });
});
