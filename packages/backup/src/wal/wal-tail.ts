import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import {
  WAL_HEADER_BYTES,
  parseWalHeader,
  readCommittedFrames,
  type WalFrame,
  type WalHeader,
} from './wal-format.ts';

/**
 * Follows the WAL file, returning the frames committed since the last read.
 *
 * Reading without a lock is safe because the shipper is the only
 * checkpointer: the log restarts from the top (new salts) only after a
 * checkpoint that copied every frame back, and only the shipper runs those.
 * Between them, writers only append. A restart the shipper did not allow
 * (someone else checkpointed) is reported as `lost`: frames may be gone.
 */
export class WalTail {
  private position:
    { header: WalHeader; checksum: [number, number]; offset: number } | undefined;
  private restartAllowed = false;
  /** The database file as our last checkpoint left it: only checkpoints write it. */
  private fileAfterCheckpoint: string | undefined;

  constructor(private readonly databasePath: string) {}

  private get walPath(): string {
    return `${this.databasePath}-wal`;
  }

  get pageSize(): number | undefined {
    return this.position?.header.pageSize;
  }

  /**
   * Starts following from the end of the log as it is now (a new
   * generation's snapshot holds everything before). Call under the lock.
   */
  skipToEnd(): void {
    this.position = undefined;
    this.restartAllowed = true;
    // The log as it is now is the new base, whoever checkpointed before: a
    // stamp left unset would make this read 'lost', keep no position, and
    // the next read would ship the whole log again, older than the snapshot.
    this.fileAfterCheckpoint = this.fileStamp();
    this.read();
  }

  /** Records the outcome of the shipper's own checkpoint, taken after a locked read. */
  checkpointed(complete: boolean): void {
    this.restartAllowed = complete;
    this.fileAfterCheckpoint = this.fileStamp();
  }

  /**
   * In WAL mode only a checkpoint writes the database file. If it changed
   * since ours, someone else checkpointed: frames we never saw may have
   * gone into it, and a restart of the log cannot be trusted.
   */
  private fileStamp(): string {
    const stat = statSync(this.databasePath, { bigint: true });
    return `${stat.size}:${stat.mtimeNs}`;
  }

  read(): { frames: WalFrame[] } | 'lost' {
    let fd: number;
    try {
      fd = openSync(this.walPath, 'r');
    } catch {
      // No log yet: nothing is committed in it. But a log we were following
      // is gone only if a last connection closed and checkpointed it away,
      // with frames we may never have seen.
      return this.vanished() ? 'lost' : { frames: [] };
    }
    try {
      return this.readFrom(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The log we followed is gone or headerless. Harmless right after our own
   * complete checkpoint with the database file as we left it; otherwise
   * someone else checkpointed it away (a last connection closing), perhaps
   * with frames we never read.
   */
  private vanished(): boolean {
    if (!this.position) return false;
    return !this.restartAllowed || this.fileStamp() !== this.fileAfterCheckpoint;
  }

  private sameLog(header: WalHeader): boolean {
    return (
      this.position?.header.salt1 === header.salt1 &&
      this.position.header.salt2 === header.salt2
    );
  }

  private readFrom(fd: number): { frames: WalFrame[] } | 'lost' {
    const size = fstatSync(fd).size;
    const headerBytes = Buffer.alloc(WAL_HEADER_BYTES);
    const header =
      size >= WAL_HEADER_BYTES && readSync(fd, headerBytes, 0, WAL_HEADER_BYTES, 0)
        ? parseWalHeader(headerBytes)
        : undefined;
    // A log being started has no valid header yet, and nothing committed;
    // one we were following that shrank or lost its header was replaced.
    if (!header) return this.position ? 'lost' : { frames: [] };
    if (this.position && size < this.position.offset && this.sameLog(header))
      return 'lost';

    if (!this.sameLog(header)) {
      const foreign = this.fileStamp() !== this.fileAfterCheckpoint;
      if (!this.restartAllowed || foreign) return 'lost';
      this.position = { header, checksum: header.checksum, offset: WAL_HEADER_BYTES };
    }
    const at = this.position!;
    const tail = Buffer.alloc(Math.max(0, size - at.offset));
    if (tail.length > 0) readSync(fd, tail, 0, tail.length, at.offset);
    const result = readCommittedFrames(tail, at.header, at.checksum);
    if (result.frames.length > 0) {
      at.checksum = result.checksum;
      at.offset += result.bytesRead;
      // New frames in this log: it cannot restart until the next full checkpoint.
      this.restartAllowed = false;
    }
    return { frames: result.frames };
  }
}
