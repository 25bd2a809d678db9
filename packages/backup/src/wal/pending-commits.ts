import type { SegmentFrame, SegmentHeader } from './segment.ts';
import type { WalFrame } from './wal-format.ts';

type Commit = SegmentHeader['commits'][number];

/**
 * The commits read from the log and not yet cut into a segment, kept as a
 * restore can use them. A restore lays on every commit stamped at or before
 * its time, so commits that share a stamp (those seen in one read) are one
 * point for it, all or none: they are kept as one commit holding the last
 * image of each page they wrote. At 1,000 audited actions a second, a
 * fifth of a second's commits rewrite the same few dozen pages a couple of
 * thousand times; keeping every image made segments tens of times larger
 * than the change they carry, and sealing, hashing, spooling and sending
 * them took the writers' CPU and disk.
 */
export class PendingCommits {
  private frames: SegmentFrame[] = [];
  private commits: Commit[] = [];
  /** The newest point's pages: where each one's image is in `frames`. */
  private pointPages = new Map<number, number>();
  private transactions = 0;

  /** Page images held: what a segment cut now would carry. */
  get frameCount(): number {
    return this.frames.length;
  }

  /** The stamp of the oldest commit held. */
  get since(): number | null {
    return this.commits[0]?.at ?? null;
  }

  /** How many of the log's commits are held. */
  get count(): number {
    return this.transactions;
  }

  /**
   * Adds whole commits' frames, in log order, seen at `at` (never before an
   * earlier call's stamp). Frames of the newest point's stamp join it.
   */
  add(frames: readonly WalFrame[], at: number): void {
    if (frames.length === 0) return;
    // An image replaced in place must be a committed one's: a commit cut
    // short would leave the point holding pages no commit ever had.
    if (frames.at(-1)!.commitPages === 0) {
      throw new Error('PendingCommits.add takes whole commits only');
    }
    let point = this.commits.at(-1);
    if (point?.at !== at) {
      point = undefined;
      this.pointPages = new Map();
    }
    const kept = new Set<number>();
    for (const frame of frames) {
      const image = { pageNumber: frame.pageNumber, page: frame.page };
      const index = this.pointPages.get(frame.pageNumber);
      if (index === undefined) {
        this.pointPages.set(frame.pageNumber, this.frames.length);
        kept.add(this.frames.length);
        this.frames.push(image);
      } else {
        kept.add(index);
        this.frames[index] = image;
      }
      if (frame.commitPages === 0) continue;
      this.transactions += 1;
      if (point) {
        point.endFrame = this.frames.length;
        point.dbPages = frame.commitPages;
        point.transactions = (point.transactions ?? 1) + 1;
      } else {
        point = { endFrame: this.frames.length, dbPages: frame.commitPages, at };
        this.commits.push(point);
      }
    }
    // The images kept are slices of the whole read; copied, the read goes,
    // and what is held is what `frameCount` says.
    for (const index of kept) {
      const image = this.frames[index]!;
      image.page = Buffer.from(image.page);
    }
  }

  /** Everything held, as a segment carries it; nothing is held after. */
  take(): { frames: SegmentFrame[]; commits: Commit[]; transactions: number } {
    const taken = {
      frames: this.frames,
      commits: this.commits,
      transactions: this.transactions,
    };
    this.clear();
    return taken;
  }

  clear(): void {
    this.frames = [];
    this.commits = [];
    this.pointPages = new Map();
    this.transactions = 0;
  }
}
