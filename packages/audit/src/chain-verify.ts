import { AUDIT_GENESIS_HASH, type AuditCheckpoint, type Db } from '@flowgento/store';
import { walkChainRange, type WalkResult } from './chain-walk.ts';

/**
 * What can be wrong with the chain, at the first place it goes wrong:
 *
 * - `content`: an entry was edited (its hash no longer matches it);
 * - `link`: an entry was replaced (it no longer links to the one before);
 * - `missing`: entries were deleted from the middle (a gap in the sequence);
 * - `start`: the oldest entries were deleted beyond what retention pruned;
 * - `truncated`: the newest entries were deleted (the sequence counter or a
 *   checkpoint taken earlier reached further than the log does now);
 * - `checkpoint`: the entry a checkpoint recorded was replaced with another;
 * - `anchor`: the log starts at an anchor that no prune recorded (entries
 *   were deleted, and an anchor forged to cover for it).
 */
export type AuditChainProblem =
  'content' | 'link' | 'missing' | 'start' | 'truncated' | 'checkpoint' | 'anchor';

export type AuditChainReport =
  | {
      intact: true;
      /** Entries in the chain (after any prune). */
      length: number;
      headSeq: number;
      headHash: string;
      /** Checkpoints the chain was compared against (those still in range). */
      checkpointsMatched: number;
      summary: string;
    }
  | {
      intact: false;
      /** Entries found intact before the problem. */
      length: number;
      /** The first entry that is wrong or missing. */
      firstBrokenSeq: number;
      problem: AuditChainProblem;
      summary: string;
    };

/** Where the chain starts: the first entry kept by the newest prune, if any. */
export interface AuditAnchor {
  firstSeq: number;
  prevHash: string;
}

/** What the walk needs to know before it starts, read in its snapshot. */
export interface ChainBounds {
  /** The first entry the chain must start with: the newest anchor's, or #1. */
  firstSeq: number;
  /** The hash that entry must link to. */
  firstPrevHash: string;
  /** The highest entry present. */
  maxSeq: number;
  /** The highest number the database ever issued (AUTOINCREMENT). */
  issued: number;
  anchored: boolean;
}

export function chainBounds(db: Db): ChainBounds {
  const anchor = db
    .prepare(
      `SELECT first_seq AS firstSeq, prev_hash AS prevHash FROM audit_anchors
       ORDER BY first_seq DESC LIMIT 1`,
    )
    .get() as AuditAnchor | undefined;
  // AUTOINCREMENT never reuses a number and records the highest one issued.
  const issued =
    (db
      .prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'`)
      .pluck()
      .get() as number | undefined) ?? 0;
  const maxSeq = (db.prepare('SELECT max(seq) FROM audit_log').pluck().get() ??
    0) as number;
  return {
    firstSeq: anchor?.firstSeq ?? 1,
    firstPrevHash: anchor?.prevHash ?? AUDIT_GENESIS_HASH,
    maxSeq,
    issued,
    anchored: anchor !== undefined,
  };
}

/**
 * Walks the whole log in order, in one read transaction, recomputing every
 * hash and link and checking that sequence numbers run without a gap from
 * the anchor (or #1) to the highest number the database ever handed out.
 * `checkpoints` must be read before this is called, so that each describes
 * entries already committed when the walk's snapshot begins.
 */
export function verifyChain(
  db: Db,
  checkpoints: readonly AuditCheckpoint[] = [],
): AuditChainReport {
  return db.transaction(() => {
    const bounds = chainBounds(db);
    const walk = walkChainRange(
      db,
      {
        fromSeq: bounds.firstSeq,
        toSeq: Number.MAX_SAFE_INTEGER,
        prevHash: bounds.firstPrevHash,
      },
      checkpoints,
    );
    return anchorChecked(
      db,
      bounds,
      chainReport(bounds, [walk], checkpoints),
      checkpoints,
    );
  })();
}

/** Retention's shortest period: a prune never removes younger entries. */
export const MIN_RETENTION_MONTHS = 12;

/** The time `months` calendar months (UTC) before `at`. */
export function monthsBefore(at: number, months: number): number {
  const date = new Date(at);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}

/**
 * An anchor is believed only if the chain itself says a prune made it: an
 * `audit.pruned` entry at or after it that names this anchor, with a cutoff
 * at least a year before the prune. The entry is covered by the chain (and
 * by any checkpoint after it), so forging one means rewriting the chain.
 */
export function anchorChecked(
  db: Db,
  bounds: ChainBounds,
  report: AuditChainReport,
  checkpoints: readonly AuditCheckpoint[],
): AuditChainReport {
  if (!report.intact || !bounds.anchored) return report;
  const prunes = db
    .prepare(
      `SELECT at, details_json AS detailsJson FROM audit_log
       WHERE action = 'audit.pruned' AND seq >= ? ORDER BY seq`,
    )
    .all(bounds.firstSeq) as { at: number; detailsJson: string }[];
  const cutoffs = prunes.flatMap(({ at, detailsJson }) => {
    const details = JSON.parse(detailsJson) as {
      keptFrom?: unknown;
      anchorHash?: unknown;
      olderThan?: unknown;
    };
    const latestCutoff = monthsBefore(at, MIN_RETENTION_MONTHS);
    const cutoff =
      typeof details.olderThan === 'string' ? Date.parse(details.olderThan) : NaN;
    return details.keptFrom === bounds.firstSeq &&
      details.anchorHash === bounds.firstPrevHash &&
      cutoff <= latestCutoff
      ? [cutoff]
      : [];
  });
  const cutoff = cutoffs[0];
  if (cutoff === undefined) {
    return broken('anchor', 0, bounds.firstSeq, { firstSeq: bounds.firstSeq });
  }
  // Checkpoints older than the anchor must agree with the prune: the one at
  // the last entry pruned names the anchor's hash; none records a pruned
  // entry written after the cutoff; and none taken after the cutoff ends
  // before the anchor (what came after it was younger than the cutoff).
  const lastPruned = bounds.firstSeq - 1;
  for (const checkpoint of checkpoints) {
    const contradicts =
      (checkpoint.headSeq === lastPruned &&
        checkpoint.headHash !== bounds.firstPrevHash) ||
      (checkpoint.headSeq <= lastPruned && (checkpoint.headAt ?? -Infinity) >= cutoff) ||
      (checkpoint.headSeq < lastPruned && checkpoint.at >= cutoff);
    if (contradicts) {
      return broken('anchor', 0, bounds.firstSeq, {
        firstSeq: bounds.firstSeq,
        checkpointAt: checkpoint.at,
        reachedSeq: checkpoint.headSeq,
      });
    }
  }
  return report;
}

/**
 * The report for a chain walked in consecutive ranges (one, or one per
 * thread): the first problem in entry order, each range's link to the one
 * before it, and then whether the log ends where the sequence counter and
 * the checkpoints say it must.
 */
export function chainReport(
  bounds: ChainBounds,
  walks: readonly WalkResult[],
  checkpoints: readonly AuditCheckpoint[],
): AuditChainReport {
  let length = 0;
  let matched = 0;
  let last: WalkResult | undefined;
  for (const walk of walks) {
    if (last && walk.length > 0 && walk.firstPrevHash !== last.lastHash) {
      return broken('link', length, last.lastSeq + 1);
    }
    if (walk.problem) {
      const { kind, seq, nextSeq, checkpointAt, matchedSeq } = walk.problem;
      return broken(kind, length + walk.length, seq, {
        firstSeq: nextSeq,
        nextSeq,
        anchored: bounds.anchored,
        checkpointAt,
        matchedSeq,
      });
    }
    length += walk.length;
    matched += walk.checkpointsMatched;
    if (walk.length > 0) last = walk;
  }
  const lastSeq = last?.lastSeq ?? bounds.firstSeq - 1;
  const headHash = last?.lastHash ?? bounds.firstPrevHash;
  if (lastSeq < bounds.maxSeq) {
    return broken('missing', length, lastSeq + 1, { nextSeq: bounds.maxSeq + 1 });
  }
  const beyond = checkpoints
    .filter((c) => c.headSeq > lastSeq)
    .sort((a, b) => b.headSeq - a.headSeq)[0];
  if (beyond) {
    return broken('truncated', length, lastSeq + 1, {
      reachedSeq: beyond.headSeq,
      checkpointAt: beyond.at,
    });
  }
  if (bounds.issued > lastSeq) {
    return broken('truncated', length, lastSeq + 1, { reachedSeq: bounds.issued });
  }
  return {
    intact: true,
    length,
    headSeq: lastSeq,
    headHash,
    checkpointsMatched: matched,
    summary:
      `Audit chain intact: ${plural(length, 'entry', 'entries')}` +
      (length > 0 ? ` up to #${lastSeq}, newest hash ${headHash}` : '') +
      (bounds.anchored
        ? ` (entries before #${bounds.firstSeq} were pruned by retention)`
        : '') +
      `; ${plural(matched, 'checkpoint', 'checkpoints')} matched.`,
  };
}

interface Evidence {
  firstSeq?: number;
  anchored?: boolean;
  nextSeq?: number;
  reachedSeq?: number;
  checkpointAt?: number;
  matchedSeq?: number | undefined;
}

function broken(
  problem: AuditChainProblem,
  length: number,
  seq: number,
  evidence: Evidence = {},
): AuditChainReport {
  const before =
    length === 0
      ? 'No entries come before it.'
      : `The ${plural(length, 'entry', 'entries')} before it ${length === 1 ? 'is' : 'are'} intact.`;
  const range = (from: number, to: number) =>
    from === to ? `entry #${from} is` : `entries #${from}–#${to} are`;
  let summary: string;
  switch (problem) {
    case 'content':
      summary = `Audit chain BROKEN at entry #${seq}: its content no longer matches its hash. ${before}`;
      break;
    case 'link':
      summary = `Audit chain BROKEN at entry #${seq}: it no longer links to the entry before it (that entry was replaced). ${before}`;
      break;
    case 'missing':
      summary = `Audit chain BROKEN at entry #${seq}: ${range(seq, evidence.nextSeq! - 1)} missing (deleted from the middle of the log). ${before}`;
      break;
    case 'start':
      summary = `Audit chain BROKEN at entry #${seq}: the log starts at #${evidence.firstSeq}, so ${range(seq, evidence.firstSeq! - 1)} missing (${evidence.anchored ? 'retention kept everything from' : 'the log began at'} #${seq}).`;
      break;
    case 'truncated':
      summary =
        `Audit chain BROKEN at entry #${seq}: the newest ${range(seq, evidence.reachedSeq!)} missing ` +
        (evidence.checkpointAt === undefined
          ? `(the database had numbered entries up to #${evidence.reachedSeq}).`
          : `(a checkpoint taken ${new Date(evidence.checkpointAt).toISOString()} recorded the log up to #${evidence.reachedSeq}).`) +
        ` The ${plural(length, 'entry', 'entries')} up to #${seq - 1} ${length === 1 ? 'is' : 'are'} intact.`;
      break;
    case 'anchor':
      summary =
        evidence.checkpointAt === undefined
          ? `Audit chain BROKEN before entry #${seq}: the log starts there, at a prune anchor that no audit.pruned entry records, so the entries before #${seq} were deleted outside retention.`
          : `Audit chain BROKEN before entry #${seq}: a checkpoint taken ${new Date(evidence.checkpointAt).toISOString()} (the log then ended at #${evidence.reachedSeq}) contradicts the prune that claims to have removed everything before #${seq}, so entries were deleted outside retention.`;
      break;
    case 'checkpoint':
      summary =
        `Audit chain BROKEN at entry #${seq}: it is not the entry a checkpoint taken ${new Date(evidence.checkpointAt!).toISOString()} recorded, so the chain was rewritten ` +
        (evidence.matchedSeq === undefined
          ? `somewhere up to #${seq} (its hashes recomputed to look whole).`
          : `between #${evidence.matchedSeq + 1} and #${seq} (#${evidence.matchedSeq} still matched an earlier checkpoint).`);
      break;
  }
  return { intact: false, length, firstBrokenSeq: seq, problem, summary };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
