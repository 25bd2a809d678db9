import { linkSync, rmSync, statSync } from 'node:fs';
import { copyFile, open, type FileHandle } from 'node:fs/promises';
import { AppError } from '@flowgento/core';
import {
  verifySnapshotInChild,
  verifySnapshotOffThread,
  type SnapshotFacts,
} from '../verify-thread.ts';
import type { Spool, SpooledSnapshot } from './spool.ts';

/** Reads a snapshot's bytes by their place in the file. */
export interface SnapshotReader {
  read(into: Buffer, at: number): Promise<void>;
  close(): Promise<void>;
}

/** How long checkpoints may wait for a snapshot's upload before it gets a copy. */
export const COPY_AFTER_MS = 10_000;

/**
 * A snapshot uploaded straight from the database file while checkpoints
 * are held (writers only append to the log, so the file stays as it was
 * at the snapshot's point). Copying a gigabyte into the spool first took
 * longer than a third of the upload, and competed with it for the CPU.
 *
 * The integrity check opens the same file through a hard link in the
 * spool, a name with no log beside it, so it sees the file alone, as a
 * restore will; in a process of its own (`verifySnapshotInChild`). Without
 * a hard link (another file system), the check waits for a copy.
 *
 * Checkpoints wait for the network only so long: an upload still running
 * after `copyAfterMs`, or one that fails, gets a copy in the spool; reads
 * move to it, and the database file is let go. The copy is what a failed
 * upload's next attempt sends, after a restart too.
 */
export class LiveSnapshot {
  /** The database file's length at the snapshot's point. */
  readonly bytes: number;
  readonly checked: Promise<SnapshotFacts>;
  /** Resolves once nothing reads the database file any more: checkpoints may run. */
  readonly released: Promise<void>;
  private copying: Promise<void> | undefined;
  private copied = false;
  private uploadSettled = false;
  private checkSettled = false;
  private readersOnFile = 0;
  private copyReading = false;
  private inTier = false;
  private release: () => void = () => undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly spooled: SpooledSnapshot,
    private readonly databasePath: string,
    private readonly spool: Spool,
    databaseKey: Buffer,
    copyAfterMs = COPY_AFTER_MS,
  ) {
    this.released = new Promise((resolve) => (this.release = resolve));
    this.bytes = statSync(databasePath).size;
    const link = `${spooled.path}.check`;
    let checking: Promise<SnapshotFacts>;
    try {
      rmSync(link, { force: true });
      linkSync(databasePath, link);
      checking = verifySnapshotInChild(link, databaseKey).facts.finally(() =>
        this.spool.remove(link),
      );
    } catch {
      checking = this.keep().then(
        () => verifySnapshotOffThread(spooled.path, databaseKey).facts,
      );
    }
    this.checked = checking.finally(() => {
      this.checkSettled = true;
      this.maybeRelease();
    });
    this.checked.catch(() => undefined);
    this.timer = setTimeout(() => void this.keep().catch(() => undefined), copyAfterMs);
    this.timer.unref();
  }

  /** Where the upload reads: the database file until a copy has every byte. */
  reader(): SnapshotReader {
    let file: FileHandle | undefined;
    let fileIsCopy = false;
    return {
      read: async (into, at) => {
        // Counted before any wait, so the file is not let go under a read.
        const fromCopy = this.copied;
        if (!fromCopy) this.readersOnFile += 1;
        try {
          if (!file || fileIsCopy !== fromCopy) {
            await file?.close();
            file = undefined;
            file = await open(fromCopy ? this.spooled.path : this.databasePath, 'r');
            fileIsCopy = fromCopy;
          }
          await readExactly(file, into, at);
        } finally {
          if (!fromCopy) {
            this.readersOnFile -= 1;
            this.maybeRelease();
          }
        }
      },
      close: async () => {
        await file?.close();
        file = undefined;
      },
    };
  }

  /**
   * Makes (once) the durable spool copy a later attempt sends: copied while
   * checkpoints are still held, synced, then named.
   */
  keep(): Promise<void> {
    this.copying ??= (async () => {
      const partial = `${this.spooled.path}.partial`;
      try {
        // The copy reads the file too: it is not let go under it, or an
        // upload that ends meanwhile would leave a torn copy to be named.
        this.copyReading = true;
        try {
          await copyFile(this.databasePath, partial);
        } finally {
          this.copyReading = false;
          this.maybeRelease();
        }
        // Once the upload is in the tier, a copy is never named: a crash
        // would have it sent again for nothing.
        if (this.inTier) throw new Error('the snapshot is in the tier');
        await this.spool.syncPartial(this.spooled.path);
        this.spool.name(this.spooled.path);
      } catch (error) {
        rmSync(partial, { force: true });
        throw error;
      }
      this.copied = true;
      this.maybeRelease();
    })();
    return this.copying;
  }

  /** The upload is in the tier: the database file and any copy are let go. */
  async uploaded(): Promise<void> {
    this.inTier = true;
    this.settle();
    await this.copying?.catch(() => undefined);
    await this.released;
    await this.spool.discard(this.spooled.path);
  }

  /**
   * The upload failed: the copy is made (if it is not yet) for the next
   * attempt. Resolves to why it could not be (a full disk), null once it is
   * kept: without it the snapshot is lost.
   */
  async failed(): Promise<unknown> {
    try {
      await this.keep();
      return null;
    } catch (error) {
      return error ?? new Error('the copy failed');
    } finally {
      this.settle();
    }
  }

  private settle(): void {
    clearTimeout(this.timer);
    this.uploadSettled = true;
    this.maybeRelease();
  }

  private maybeRelease(): void {
    if (!this.checkSettled || this.readersOnFile > 0 || this.copyReading) return;
    if (this.uploadSettled || this.copied) this.release();
  }
}

/** A reader of a file that stays as it is (a spooled copy). */
export function fileReader(path: string): SnapshotReader {
  let file: FileHandle | undefined;
  return {
    read: async (into, at) => {
      file ??= await open(path, 'r');
      await readExactly(file, into, at);
    },
    close: async () => {
      await file?.close();
      file = undefined;
    },
  };
}

async function readExactly(file: FileHandle, into: Buffer, at: number): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await file.read(into, done, into.length - done, at + done);
    if (bytesRead === 0) {
      throw new AppError('INTERNAL', 'The snapshot is shorter than it was', {
        reason: 'snapshot_copy_short',
      });
    }
    done += bytesRead;
  }
}
