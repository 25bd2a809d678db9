import { AppError } from '@flowgento/core';
import type { BackupObjectName, SegmentName } from '../chain/object-names.ts';
import { catalogue, type CompleteSnapshot } from './catalogue.ts';
import { restoreWindow } from './window.ts';

export interface RestorePlan {
  snapshot: CompleteSnapshot;
  /** In order; the last may hold commits after the chosen time (replay stops). */
  segments: SegmentName[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Chooses what rebuilds the database at `at`: the newest snapshot at or
 * before it (in the newest generation that has one), and every segment
 * after that snapshot up to the last that may hold a commit at or before
 * `at`. A sequence number missing on the way is named, never skipped.
 */
export function planRestore(
  names: readonly BackupObjectName[],
  at: number,
  now: number,
): RestorePlan {
  const window = restoreWindow(names);
  const isPoint = window.points.some((p) => p.at === at);
  if (at > now || window.from === null || (at < window.from && !isPoint)) {
    throw outsideWindow(window, at > now);
  }
  const candidates = catalogue(names).flatMap((g) =>
    g.snapshots.filter((s) => s.atMs <= at).map((s) => ({ g, s })),
  );
  const chosen = candidates.at(-1);
  if (!chosen) throw outsideWindow(window, false);
  const { g, s } = chosen;

  const segments: SegmentName[] = [];
  let expected = s.baseSequence + 1;
  let reachedMs = s.atMs;
  for (const segment of g.segments) {
    if (segment.sequence <= s.baseSequence) continue;
    if (segment.sequence !== expected) {
      // Commits between what we have and this segment: needed if any may be ≤ at.
      if (reachedMs < at)
        throw missingSegment(g.generation, expected, reachedMs, segment.fromMs);
      break;
    }
    if (segment.fromMs > at) break;
    segments.push(segment);
    reachedMs = segment.toMs;
    expected += 1;
  }
  // A later snapshot of this generation stands after segments we lack.
  const later = g.snapshots.find((o) => o.baseSequence >= expected && o.atMs <= at);
  if (later) throw missingSegment(g.generation, expected, reachedMs, later.atMs);
  return { snapshot: s, segments };
}

function missingSegment(generation: string, sequence: number, from: number, to: number) {
  return new AppError(
    'PRECONDITION_FAILED',
    `Segment ${sequence} of generation ${generation} (changes between ` +
      `${iso(from)} and ${iso(to)}) is missing from the backup tier; ` +
      'the restore stops rather than skip it',
    { reason: 'backup_segment_missing' },
  );
}

function outsideWindow(window: ReturnType<typeof restoreWindow>, future: boolean) {
  const range =
    window.from === null
      ? 'there is no restorable backup yet'
      : `the valid range is ${iso(window.from)} to ${iso(window.to ?? window.from)} (or any later time up to now)`;
  const points =
    window.points.length > 0
      ? `; older points, restorable exactly at their time: ${window.points
          .map((p) => `${iso(p.at)} (${p.kind})`)
          .join(', ')}`
      : '';
  return new AppError(
    'INVALID_INPUT',
    `${future ? 'That time is in the future' : 'That time is outside the backup window'}: ${range}${points}`,
    { reason: 'restore_time_outside_window' },
  );
}
