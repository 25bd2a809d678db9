import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type { Db } from './database.ts';

/**
 * A record, kept outside the database, of how far the audit chain reached at
 * a moment: its newest entry's sequence number and hash. Deleting the newest
 * entries leaves a chain that is shorter but still links up; a checkpoint
 * taken before the deletion is what shows it.
 */
export interface AuditCheckpoint {
  /** When the checkpoint was taken (ms since the epoch). */
  at: number;
  headSeq: number;
  headHash: string;
  /** Entries in the chain at that moment (after any prune). */
  length: number;
  /**
   * When the newest entry was written: a prune that claims to have removed
   * it as old is then caught lying. Absent from checkpoints written before.
   */
  headAt?: number;
}

/** The checkpoint in `value`, or undefined when it is not one. */
export function asCheckpoint(value: unknown): AuditCheckpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { at, headSeq, headHash, length, headAt } = value as Record<string, unknown>;
  const count = (n: unknown, min: number) =>
    Number.isSafeInteger(n) && (n as number) >= min;
  if (!count(at, 0) || !count(headSeq, 1) || !count(length, 0)) return undefined;
  if (typeof headHash !== 'string' || !/^[0-9a-f]{64}$/.test(headHash)) return undefined;
  if (headAt !== undefined && !count(headAt, 0)) return undefined;
  return {
    at,
    headSeq,
    headHash,
    length,
    ...(headAt !== undefined && { headAt }),
  } as AuditCheckpoint;
}

/** The data folder's checkpoint file: JSON Lines, one checkpoint each. */
export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';
/** The checkpoint written beside each backup: the snapshot's own head. */
export const BACKUP_CHECKPOINT_FILE = 'audit-checkpoint.json';

/** Appends one checkpoint line and flushes it to disk before returning. */
export function appendCheckpoint(path: string, checkpoint: AuditCheckpoint): void {
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface CheckpointReading {
  checkpoints: AuditCheckpoint[];
  /** Lines that are not a checkpoint: `file:line`, for the report. */
  unreadable: string[];
}

/**
 * Reads checkpoint files: the data folder's JSON Lines file, or a single
 * checkpoint kept beside a backup. A missing file holds none. A damaged line
 * is reported, never silently skipped: a checkpoint someone mangled is itself
 * a sign of tampering.
 */
export function readCheckpoints(paths: readonly string[]): CheckpointReading {
  const checkpoints: AuditCheckpoint[] = [];
  const unreadable: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const checkpoint = asCheckpoint(parseJson(line));
      if (checkpoint) checkpoints.push(checkpoint);
      else unreadable.push(`${path}:${index + 1}`);
    });
  }
  return { checkpoints, unreadable };
}

/** How many lines a checkpoint file holds (0 when it is missing). */
export function checkpointLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The chain's newest entry and length in `db`, as a checkpoint taken `at`. */
export function auditHeadOf(db: Db, at: number): AuditCheckpoint | null {
  const head = db
    .prepare('SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1')
    .get() as { seq: number; hash: string; at: number } | undefined;
  if (!head) return null;
  const length = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  return { at, headSeq: head.seq, headHash: head.hash, length, headAt: head.at };
}

/**
 * After the database was put back to an earlier time: the checkpoints taken
 * up to `until` still describe the restored log and stay; the file as it was
 * moves to `asidePath` whole (the later ones describe a history that was
 * replaced, kept as evidence). Returns how many lines the file now holds.
 */
export function rewindCheckpoints(
  path: string,
  until: number,
  asidePath: string,
): number {
  if (!existsSync(path)) return 0;
  const kept = readCheckpoints([path]).checkpoints.filter((c) => c.at <= until);
  // Written whole beside it first: a stop half-way leaves the old file, or
  // both files, never a file missing lines.
  const next = `${path}.rewound`;
  rmSync(next, { force: true });
  for (const checkpoint of kept) appendCheckpoint(next, checkpoint);
  renameSync(path, asidePath);
  if (kept.length > 0) renameSync(next, path);
  return kept.length;
}
