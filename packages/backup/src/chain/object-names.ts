/**
 * Names of the objects in the backup tier. Each name says what a restore
 * or the retention job needs to plan (generation, sequence, time range,
 * checksum), so a listing alone is enough and nothing is opened to decide.
 *
 *   db/<generation>/seg/<sequence>-<fromMs>-<toMs>-<sha256>.fgs
 *   db/<generation>/snap/<baseSequence>-<atMs>.db.fgs        (the sealed file)
 *   db/<generation>/snap/<baseSequence>-<atMs>-<sha256>.json.fgs (its manifest,
 *                                      written last: no manifest, no snapshot)
 *   db/leases/<expiresMs>-<generation>-<baseSequence>-<toSequence>-<id>.lease
 *
 * A generation is `<startMs>-<8 hex>`: it sorts by time. `sha256` is of the
 * sealed bytes, which `get` checks.
 */
export const BACKUP_PREFIX = 'db/';
export const LEASE_PREFIX = 'db/leases/';

const GEN = '(\\d{13}-[0-9a-f]{8})';
const SEQ = '(\\d{10})';
const MS = '(\\d{13})';
const SHA = '([0-9a-f]{64})';
const SEGMENT = new RegExp(`^db/${GEN}/seg/${SEQ}-${MS}-${MS}-${SHA}\\.fgs$`);
const SNAPSHOT = new RegExp(`^db/${GEN}/snap/${SEQ}-${MS}\\.db\\.fgs$`);
const MANIFEST = new RegExp(`^db/${GEN}/snap/${SEQ}-${MS}-${SHA}\\.json\\.fgs$`);
const LEASE = new RegExp(`^db/leases/${MS}-${GEN}-${SEQ}-${SEQ}-([0-9a-f]{16})\\.lease$`);

export interface SegmentName {
  kind: 'segment';
  key: string;
  generation: string;
  sequence: number;
  fromMs: number;
  toMs: number;
  sha256: string;
}
export interface SnapshotName {
  kind: 'snapshot';
  key: string;
  generation: string;
  baseSequence: number;
  atMs: number;
}
export interface ManifestName {
  kind: 'manifest';
  key: string;
  generation: string;
  baseSequence: number;
  atMs: number;
  sha256: string;
}
export interface LeaseName {
  kind: 'lease';
  key: string;
  expiresMs: number;
  generation: string;
  baseSequence: number;
  toSequence: number;
}
export type BackupObjectName = SegmentName | SnapshotName | ManifestName | LeaseName;

const seq = (n: number) => String(n).padStart(10, '0');
const ms = (n: number) => String(n).padStart(13, '0');

export function segmentKey(s: Omit<SegmentName, 'kind' | 'key'>): string {
  return `db/${s.generation}/seg/${seq(s.sequence)}-${ms(s.fromMs)}-${ms(s.toMs)}-${s.sha256}.fgs`;
}
export function snapshotKey(s: Omit<SnapshotName, 'kind' | 'key'>): string {
  return `db/${s.generation}/snap/${seq(s.baseSequence)}-${ms(s.atMs)}.db.fgs`;
}
export function manifestKey(s: Omit<ManifestName, 'kind' | 'key'>): string {
  return `db/${s.generation}/snap/${seq(s.baseSequence)}-${ms(s.atMs)}-${s.sha256}.json.fgs`;
}
export function leaseKey(s: Omit<LeaseName, 'kind' | 'key'>, id: string): string {
  return `${LEASE_PREFIX}${ms(s.expiresMs)}-${s.generation}-${seq(s.baseSequence)}-${seq(s.toSequence)}-${id}.lease`;
}

/** What a key names, or undefined for a key that is not ours (left alone). */
export function parseObjectName(key: string): BackupObjectName | undefined {
  let m = SEGMENT.exec(key);
  if (m) {
    const [, generation, sequence, from, to, sha256] = m as unknown as string[];
    return {
      kind: 'segment',
      key,
      generation: generation!,
      sequence: Number(sequence),
      fromMs: Number(from),
      toMs: Number(to),
      sha256: sha256!,
    };
  }
  m = SNAPSHOT.exec(key);
  if (m) {
    const [, generation, base, at] = m as unknown as string[];
    return {
      kind: 'snapshot',
      key,
      generation: generation!,
      baseSequence: Number(base),
      atMs: Number(at),
    };
  }
  m = MANIFEST.exec(key);
  if (m) {
    const [, generation, base, at, sha256] = m as unknown as string[];
    return {
      kind: 'manifest',
      key,
      generation: generation!,
      baseSequence: Number(base),
      atMs: Number(at),
      sha256: sha256!,
    };
  }
  m = LEASE.exec(key);
  if (m) {
    const [, expires, generation, base, to] = m as unknown as string[];
    return {
      kind: 'lease',
      key,
      expiresMs: Number(expires),
      generation: generation!,
      baseSequence: Number(base),
      toSequence: Number(to),
    };
  }
  return undefined;
}

/** The aad a sealed object is bound to: moved or renamed, it fails to open. */
export function sealContext(
  installationId: string,
  generation: string,
  what: string,
): string {
  return `flowgento-backup/${installationId}/${generation}/${what}`;
}
