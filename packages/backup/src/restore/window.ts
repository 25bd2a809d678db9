import type { BackupObjectName } from '../chain/object-names.ts';
import { catalogue, startsChain, type CompleteSnapshot } from './catalogue.ts';

export interface RestoreWindow {
  /** Any instant from here to the newest shipped change can be restored. */
  from: number | null;
  /** The newest change in the tier. */
  to: number | null;
  /** Older snapshots, each restorable exactly at its time. */
  points: { at: number; kind: 'daily' | 'monthly' }[];
}

/**
 * The restorable window as a listing shows it. It starts at the oldest
 * snapshot that starts a chain in a generation at least as new as every
 * point before it; older snapshots are points.
 */
export function restoreWindow(names: readonly BackupObjectName[]): RestoreWindow {
  const generations = catalogue(names).filter((g) => g.snapshots.length > 0);
  let from: number | null = null;
  let to: number | null = null;
  const older: CompleteSnapshot[] = [];
  for (const g of generations) {
    for (const s of g.snapshots) {
      to = Math.max(to ?? 0, s.atMs);
      if (from === null && startsChain(g, s)) from = s.atMs;
      else if (from === null) older.push(s);
    }
    for (const s of g.segments) to = Math.max(to ?? 0, s.toMs);
  }
  return { from, to, points: older.map((s) => ({ at: s.atMs, kind: kindOf(s, older) })) };
}

/** The first point of a UTC month is its monthly point; the others are daily. */
function kindOf(s: CompleteSnapshot, all: CompleteSnapshot[]): 'daily' | 'monthly' {
  const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
  const first = all.find((o) => month(o.atMs) === month(s.atMs));
  return first === s ? 'monthly' : 'daily';
}
