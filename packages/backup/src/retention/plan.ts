import type { BackupObjectName } from '../chain/object-names.ts';
import { catalogue, type GenerationObjects } from '../restore/catalogue.ts';
import type { BackupSchedule } from '../schedule.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an unfinished snapshot may be an upload still under way. */
export const UNFINISHED_GRACE_MS = DAY_MS;

export interface RetentionPlan {
  /** Keys to remove from every provider of the backup tier. */
  delete: string[];
  /** Kept, and why (for the log and the tests). */
  keep: Map<string, string>;
}

/**
 * What the schedule lets go, from a listing alone. Kept:
 * - every change for `changesDays`: in each generation that serves part of
 *   that window, the newest snapshot at or before its start and everything
 *   after it (the newest restorable chain is always one of these);
 * - the first snapshot of each UTC day for `dailyDays` and of each month
 *   for `monthlyMonths`, each a point restorable at its own time;
 * - what an unexpired lease (a restore in progress) names;
 * - unfinished snapshots younger than a day (an upload may be under way).
 * Everything else of ours goes; keys that are not ours are never touched.
 */
export function planRetention(input: {
  names: readonly BackupObjectName[];
  schedule: BackupSchedule;
  now: number;
}): RetentionPlan {
  const { names, schedule, now } = input;
  const keep = new Map<string, string>();
  const mark = (key: string, why: string) => {
    if (!keep.has(key)) keep.set(key, why);
  };
  const generations = catalogue(names);
  const restorable = generations.filter((g) => g.snapshots.length > 0);
  const windowStart = now - schedule.changesDays * DAY_MS;

  restorable.forEach((g, index) => {
    const next = restorable[index + 1];
    // Serves the window if it is the newest, or the next begins inside the window.
    if (next && next.snapshots[0]!.atMs <= windowStart) return;
    keepChainFrom(g, windowStart, (key) => mark(key, 'changes window'));
  });
  keepPoints(restorable, now, schedule, mark);

  for (const lease of names) {
    if (lease.kind !== 'lease') continue;
    if (lease.expiresMs <= now) continue;
    mark(lease.key, 'lease');
    const g = generations.find((o) => o.generation === lease.generation);
    for (const s of g?.snapshots ?? []) {
      if (s.baseSequence !== lease.baseSequence) continue;
      mark(s.snapshot.key, 'restore in progress');
      mark(s.manifest.key, 'restore in progress');
    }
    for (const s of g?.segments ?? []) {
      if (s.sequence > lease.baseSequence && s.sequence <= lease.toSequence)
        mark(s.key, 'restore in progress');
    }
  }
  for (const g of generations) {
    for (const o of g.unfinished) {
      if (o.atMs > now - UNFINISHED_GRACE_MS) mark(o.key, 'upload may be under way');
    }
    // A generation with no snapshot yet: its first one may still be uploading.
    if (g.snapshots.length === 0 && generationStart(g) > now - UNFINISHED_GRACE_MS) {
      for (const s of g.segments) mark(s.key, 'generation starting');
    }
  }
  const ours = names.map((n) => n.key);
  return { delete: ours.filter((key) => !keep.has(key)), keep };
}

/** The newest snapshot at or before `from` (else the oldest) and all after it. */
function keepChainFrom(g: GenerationObjects, from: number, mark: (key: string) => void) {
  const base = [...g.snapshots].reverse().find((s) => s.atMs <= from) ?? g.snapshots[0]!;
  for (const s of g.snapshots) {
    if (s.atMs < base.atMs) continue;
    mark(s.snapshot.key);
    mark(s.manifest.key);
  }
  for (const s of g.segments) if (s.sequence > base.baseSequence) mark(s.key);
}

function keepPoints(
  generations: GenerationObjects[],
  now: number,
  schedule: BackupSchedule,
  mark: (key: string, why: string) => void,
) {
  const snapshots = generations
    .flatMap((g) => g.snapshots)
    .sort((a, b) => a.atMs - b.atMs);
  const seen = new Set<string>();
  const dayFloor = Math.floor(now / DAY_MS) * DAY_MS - (schedule.dailyDays - 1) * DAY_MS;
  const nowDate = new Date(now);
  const monthFloor = Date.UTC(
    nowDate.getUTCFullYear(),
    nowDate.getUTCMonth() - Math.max(0, schedule.monthlyMonths - 1),
    1,
  );
  for (const s of snapshots) {
    const iso = new Date(s.atMs).toISOString();
    const day = `d${iso.slice(0, 10)}`;
    const month = `m${iso.slice(0, 7)}`;
    for (const [period, floor, why] of [
      [day, dayFloor, 'daily point'],
      [month, schedule.monthlyMonths > 0 ? monthFloor : Infinity, 'monthly point'],
    ] as const) {
      if (seen.has(period) || s.atMs < floor) continue;
      seen.add(period);
      mark(s.snapshot.key, why);
      mark(s.manifest.key, why);
    }
  }
}

function generationStart(g: GenerationObjects): number {
  return Number(g.generation.slice(0, 13));
}
