import { randomBytes } from 'node:crypto';
import { encryptBytes } from '@flowgento/crypto';
import { openEncryptedDatabase, type Db } from '@flowgento/store';
import { PendingCommits } from '../wal/pending-commits.ts';
import type { WalFrame } from '../wal/wal-format.ts';
import { WalTail } from '../wal/wal-tail.ts';
import {
  GENESIS_SHA256,
  encodeSegment,
  sha256Of,
  type SegmentHeader,
} from '../wal/segment.ts';
import { sealContext, segmentKey } from './object-names.ts';
import type { Spool } from './spool.ts';

/** A point of the chain a snapshot stands for: after segment `baseSequence`. */
export interface ChainPoint {
  generation: string;
  baseSequence: number;
  atMs: number;
  /** What the first segment after it names as its predecessor. */
  chainSha256: string;
}

export interface ShippedSegment {
  key: string;
  sequence: number;
  fromMs: number;
  toMs: number;
  /** How many commits it holds. */
  commits: number;
}

/**
 * How long holding writers off may wait for a writer's commit. The wait
 * blocks this thread, and so every upload on it: at 1,000 commits a second a
 * writer holds the lock most of the time, and a 1 s wait that then gave up
 * stalled shipping for that second (the lag bench's p99 rose past 5 s). A
 * busy try is repeated at the next turn instead.
 */
const LOCK_WAIT_MS = 25;
const CLOSE_WAIT_MS = 5000;
/** A checkpoint asked for at once (after an erasure) may wait as before. */
export const REQUESTED_WAIT_MS = 1000;

/**
 * Ships the WAL: reads committed frames as they appear, seals them into
 * segments with the backup key and writes them to the spool. It is the only
 * checkpointer while backups run; every checkpoint it takes is done with
 * writers held off (BEGIN IMMEDIATE on one connection), after the log was
 * shipped to its end, on a second connection. The lock is held only inside
 * one synchronous call: awaiting while holding it would stall a writer on
 * this thread in its busy handler, and that writer would stall us.
 */
export class WalShipper {
  /** Whether the last try to hold writers off found them busy (nothing was done). */
  lockWasBusy = false;
  private readonly lockDb: Db;
  private readonly checkpointDb: Db;
  private readonly tail: WalTail;
  private chain: { generation: string; sequence: number; previousSha: string } | null =
    null;
  private readonly pending = new PendingCommits();
  private lastCommitAt = 0;

  constructor(
    private readonly input: {
      databasePath: string;
      databaseKey: Buffer;
      backupKey: Buffer;
      installationId: string;
      spool: Spool;
      now: () => number;
      onSegment: (segment: ShippedSegment) => void;
    },
  ) {
    const open = () => {
      const db = openEncryptedDatabase({
        path: input.databasePath,
        key: input.databaseKey,
        mustExist: true,
        autoCheckpoint: false,
      });
      // A writer's commit is short; waiting longer than this means skip a turn.
      db.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
      return db;
    };
    this.lockDb = open();
    this.checkpointDb = open();
    this.tail = new WalTail(input.databasePath);
  }

  get generation(): string | null {
    return this.chain?.generation ?? null;
  }

  /** Bytes of page images observed but not yet cut into a segment. */
  get pendingBytes(): number {
    return this.pending.frameCount * (this.tail.pageSize ?? 0);
  }

  /** Commits observed but not yet cut into a segment, oldest first. */
  get pendingSince(): number | null {
    return this.pending.since;
  }

  /**
   * Reads new commits without a lock and stamps each with the time it was
   * seen. Returns false when the chain broke (a restart nobody allowed):
   * what was seen is still cut, and a new generation must begin.
   */
  observe(): boolean {
    if (!this.chain) return false;
    const read = this.tail.read();
    if (read === 'lost') {
      this.cut();
      this.chain = null;
      return false;
    }
    this.take(read.frames);
    return true;
  }

  /** Seals what was observed into the next segment and spools it. */
  cut(): void {
    const chain = this.chain;
    const pageSize = this.tail.pageSize;
    if (!chain || this.pending.count === 0 || !pageSize) return;
    const { frames, commits, transactions } = this.pending.take();
    const sequence = chain.sequence + 1;
    const header: SegmentHeader = {
      format: 1,
      generation: chain.generation,
      sequence,
      previousSha256: chain.previousSha,
      pageSize,
      commits,
    };
    const plain = encodeSegment(header, frames);
    const sealed = encryptBytes(this.input.backupKey, plain, {
      aad: sealContext(
        this.input.installationId,
        chain.generation,
        `segment/${sequence}`,
      ),
    });
    const segment = {
      sequence,
      fromMs: commits[0]!.at,
      toMs: commits.at(-1)!.at,
      commits: transactions,
    };
    const key = segmentKey({
      generation: chain.generation,
      sequence,
      fromMs: segment.fromMs,
      toMs: segment.toMs,
      sha256: sha256Of(sealed),
    });
    this.input.spool.addSegment(key, sealed);
    this.chain = { ...chain, sequence, previousSha: sha256Of(plain) };
    this.input.onSegment({ key, ...segment });
  }

  /**
   * Ships the log to its end and checkpoints, with writers held off.
   * Returns the chain point the database file now stands for when the
   * checkpoint copied every frame back, else null (a reader held it up).
   */
  checkpoint(waitMs = LOCK_WAIT_MS): ChainPoint | null {
    this.lockWasBusy = false;
    if (!this.chain) return null;
    return this.locked(() => {
      if (!this.observe()) return null;
      this.cut();
      return this.fullCheckpoint() ? this.point() : null;
    }, waitMs);
  }

  /**
   * Starts a new generation: the log so far goes into the database file
   * (a full checkpoint) and the chain starts from its end. The caller then
   * copies the file as the generation's first snapshot.
   */
  beginGeneration(): ChainPoint | null {
    return this.locked(() => {
      this.tail.skipToEnd();
      if (!this.fullCheckpoint()) return null;
      const now = this.input.now();
      this.chain = {
        generation: `${String(now).padStart(13, '0')}-${randomBytes(4).toString('hex')}`,
        sequence: 0,
        previousSha: GENESIS_SHA256,
      };
      this.pending.clear();
      return this.point();
    });
  }

  /** Ships what is left, with writers held off; the connections close. */
  close(): void {
    if (this.lockDb.open && this.chain) {
      // The last ship may wait longer: nothing else runs on this thread now.
      this.locked(() => {
        this.observe();
        this.cut();
        return null;
      }, CLOSE_WAIT_MS);
    }
    this.lockDb.close();
    this.checkpointDb.close();
  }

  private take(frames: WalFrame[]): void {
    if (frames.length === 0) return;
    // Stamped when seen: within one polling interval after the commit.
    this.lastCommitAt = Math.max(this.lastCommitAt, this.input.now());
    this.pending.add(frames, this.lastCommitAt);
  }

  private point(): ChainPoint {
    // Later commits are stamped after this instant, never at it.
    const atMs = Math.max(this.lastCommitAt, this.input.now());
    this.lastCommitAt = atMs + 1;
    const { generation, sequence, previousSha } = this.chain!;
    return { generation, baseSequence: sequence, atMs, chainSha256: previousSha };
  }

  private fullCheckpoint(): boolean {
    const [result] = this.checkpointDb.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    const complete = !!result && result.busy === 0 && result.log === result.checkpointed;
    this.tail.checkpointed(complete);
    return complete;
  }

  private locked<T>(work: () => T | null, waitMs = LOCK_WAIT_MS): T | null {
    this.lockWasBusy = false;
    if (waitMs !== LOCK_WAIT_MS) this.lockDb.pragma(`busy_timeout = ${waitMs}`);
    try {
      this.lockDb.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      this.lockWasBusy = true;
      return null;
    } finally {
      if (waitMs !== LOCK_WAIT_MS) this.lockDb.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
    }
    try {
      return work();
    } finally {
      this.lockDb.exec('ROLLBACK');
    }
  }
}
