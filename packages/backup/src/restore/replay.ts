import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { AppError } from '@flowgento/core';
import type { SegmentHeader, SegmentFrame } from '../wal/segment.ts';

/**
 * Lays segments' frames onto a copy of the database file, commit by
 * commit, and stops before the first commit after `until`. The file stays
 * encrypted with the database key: frames are its own page images.
 */
export class FrameReplay {
  private readonly fd: number;
  private pageSize: number | undefined;
  /** The last commit laid on: its time and the database size it left. */
  lastCommit: { at: number; dbPages: number } | undefined;
  /** The log's commits laid on (a point of several counts each). */
  commits = 0;
  stopped = false;

  constructor(
    path: string,
    private readonly until: number,
  ) {
    this.fd = openSync(path, 'r+');
  }

  /** Applies one segment; returns false once a commit past `until` was reached. */
  apply(header: SegmentHeader, frames: SegmentFrame[]): boolean {
    if (this.pageSize !== undefined && this.pageSize !== header.pageSize) {
      throw new AppError('PRECONDITION_FAILED', 'A segment changes the page size', {
        reason: 'backup_segment_malformed',
      });
    }
    this.pageSize = header.pageSize;
    let from = 0;
    for (const commit of header.commits) {
      if (commit.at > this.until) {
        this.stopped = true;
        return false;
      }
      for (const frame of frames.slice(from, commit.endFrame)) {
        writeSync(
          this.fd,
          frame.page,
          0,
          frame.page.length,
          (frame.pageNumber - 1) * header.pageSize,
        );
      }
      from = commit.endFrame;
      this.lastCommit = { at: commit.at, dbPages: commit.dbPages };
      this.commits += commit.transactions ?? 1;
    }
    return true;
  }

  /** Cuts the file to the size the last commit left, and syncs it. */
  finish(): void {
    try {
      if (this.lastCommit && this.pageSize) {
        ftruncateSync(this.fd, this.lastCommit.dbPages * this.pageSize);
      }
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }
}
