import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local spool in the data folder: sealed segments wait here, on disk
 * and fsynced, until the backup tier has them. Checkpoints therefore wait
 * for the network only as long as `LiveSnapshot` lets them, and a provider
 * outage (or a restart) loses nothing. A snapshot whose upload was slow or
 * failed waits here too, as a copy of the database file (still encrypted
 * with the database key), until it is sealed and uploaded.
 */
export const SPOOL_FOLDER = 'backup-spool';

export interface SpooledSegment {
  kind: 'segment';
  key: string;
  path: string;
}
export interface SpooledSnapshot {
  kind: 'snapshot';
  generation: string;
  baseSequence: number;
  atMs: number;
  /** SHA-256 of the segment before it: the first segment after it names this. */
  chainSha256: string;
  path: string;
}

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'];

const SNAPSHOT_FILE = /^snap-(\d{13}-[0-9a-f]{8})-(\d+)-(\d{13})-([0-9a-f]{64})\.db$/;

export class Spool {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Copies cut off by a crash are useless: the next generation takes its
    // own. A check's link to the database file must not outlive the check.
    const names = new Set(readdirSync(dir));
    for (const name of names) {
      if (name.endsWith('.partial') || name.endsWith('.check')) {
        rmSync(join(dir, name), { force: true });
      }
      // Side files of a snapshot copy that is gone (left by older versions).
      const side = SQLITE_SIDE_FILES.find((suffix) => name.endsWith(suffix));
      const base = side && name.slice(0, -side.length);
      if (base && (!names.has(base) || /\.(partial|check)$/.test(base))) {
        rmSync(join(dir, name), { force: true });
      }
    }
  }

  /** Writes a sealed segment durably before it counts as shipped. */
  addSegment(key: string, sealed: Buffer): void {
    const path = join(this.dir, `seg+${key.replaceAll('/', '+')}`);
    const partial = `${path}.partial`;
    const fd = openSync(partial, 'w', 0o600);
    try {
      writeSync(fd, sealed);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
    this.syncFolder();
  }

  /** Where a snapshot copy goes (written as `.partial`, then named). */
  snapshotPath(p: {
    generation: string;
    baseSequence: number;
    atMs: number;
    chainSha256: string;
  }): string {
    return join(
      this.dir,
      `snap-${p.generation}-${p.baseSequence}-${p.atMs}-${p.chainSha256}.db`,
    );
  }

  /**
   * Makes a written `.partial` copy durable, on the thread pool: the 1 GiB
   * bench copy took seconds to reach the disk, which held the event loop,
   * and so the upload beside it, when synchronous.
   */
  async syncPartial(target: string): Promise<void> {
    const file = await open(`${target}.partial`, 'r+');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  }

  /** Gives a durable `.partial` copy its name: an entry from now on. */
  name(target: string): void {
    renameSync(`${target}.partial`, target);
    this.syncFolder();
  }

  /** Waiting entries: snapshots first (segments are useless without them), then segments in order. */
  entries(): (SpooledSegment | SpooledSnapshot)[] {
    const names = readdirSync(this.dir)
      .filter((n) => !n.endsWith('.partial'))
      .sort();
    const snapshots: SpooledSnapshot[] = [];
    const segments: SpooledSegment[] = [];
    for (const name of names) {
      const snap = SNAPSHOT_FILE.exec(name);
      if (snap) {
        snapshots.push({
          kind: 'snapshot',
          generation: snap[1]!,
          baseSequence: Number(snap[2]),
          atMs: Number(snap[3]),
          chainSha256: snap[4]!,
          path: join(this.dir, name),
        });
      } else if (name.startsWith('seg+')) {
        const key = name.slice(4).replaceAll('+', '/');
        segments.push({ kind: 'segment', key, path: join(this.dir, name) });
      }
    }
    return [...snapshots, ...segments];
  }

  /**
   * Removes an entry. A snapshot copy goes with the `-wal` and `-shm` files
   * SQLite made beside it when the upload opened it to verify.
   */
  remove(path: string): void {
    rmSync(path, { force: true });
    for (const suffix of SQLITE_SIDE_FILES) rmSync(`${path}${suffix}`, { force: true });
    this.syncFolder();
  }

  /**
   * `remove` for a snapshot copy, on the thread pool: freeing a gigabyte's
   * pages took most of a second, which would hold up the event loop.
   */
  async discard(path: string): Promise<void> {
    await Promise.all(
      ['', ...SQLITE_SIDE_FILES].map((suffix) => rm(`${path}${suffix}`, { force: true })),
    );
    this.syncFolder();
  }

  private syncFolder(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
