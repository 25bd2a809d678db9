import type {
  BackupObjectName,
  ManifestName,
  SegmentName,
  SnapshotName,
} from '../chain/object-names.ts';

/** A snapshot whose upload finished: its sealed file and its manifest. */
export interface CompleteSnapshot {
  generation: string;
  baseSequence: number;
  atMs: number;
  snapshot: SnapshotName;
  manifest: ManifestName;
}

/** One generation as a listing shows it, sorted. */
export interface GenerationObjects {
  generation: string;
  snapshots: CompleteSnapshot[];
  segments: SegmentName[];
  /** Objects of unfinished snapshots (no manifest, or a manifest without its file). */
  unfinished: (SnapshotName | ManifestName)[];
}

/** Groups a listing by generation, oldest generation first. */
export function catalogue(names: readonly BackupObjectName[]): GenerationObjects[] {
  const byGeneration = new Map<string, GenerationObjects>();
  const of = (generation: string) => {
    let entry = byGeneration.get(generation);
    if (!entry) {
      entry = { generation, snapshots: [], segments: [], unfinished: [] };
      byGeneration.set(generation, entry);
    }
    return entry;
  };
  const pointKey = (n: { generation: string; baseSequence: number; atMs: number }) =>
    `${n.generation}/${n.baseSequence}/${n.atMs}`;
  const files = new Map<string, SnapshotName>();
  const manifests = new Map<string, ManifestName>();
  for (const name of names) {
    if (name.kind === 'segment') of(name.generation).segments.push(name);
    if (name.kind === 'snapshot') files.set(pointKey(name), name);
    if (name.kind === 'manifest') manifests.set(pointKey(name), name);
  }
  for (const [key, snapshot] of files) {
    const manifest = manifests.get(key);
    const entry = of(snapshot.generation);
    if (manifest) {
      entry.snapshots.push({
        generation: snapshot.generation,
        baseSequence: snapshot.baseSequence,
        atMs: snapshot.atMs,
        snapshot,
        manifest,
      });
    } else entry.unfinished.push(snapshot);
  }
  for (const [key, manifest] of manifests) {
    if (!files.has(key)) of(manifest.generation).unfinished.push(manifest);
  }
  const all = [...byGeneration.values()];
  for (const g of all) {
    g.snapshots.sort((a, b) => a.atMs - b.atMs);
    g.segments.sort((a, b) => a.sequence - b.sequence);
  }
  return all.sort((a, b) => a.generation.localeCompare(b.generation));
}

/**
 * True when `snapshot` starts a chain: the segment after it is there, or it
 * is the newest snapshot of its generation and no segment follows yet. Any
 * other snapshot is a point, restorable exactly at its own time.
 */
export function startsChain(g: GenerationObjects, snapshot: CompleteSnapshot): boolean {
  const next = snapshot.baseSequence + 1;
  if (g.segments.some((s) => s.sequence === next)) return true;
  const newest = g.snapshots.at(-1) === snapshot;
  return newest && !g.segments.some((s) => s.sequence > snapshot.baseSequence);
}
