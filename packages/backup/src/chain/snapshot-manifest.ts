import { z } from 'zod';
import { AppError } from '@flowgento/core';
import { decryptBytes, encryptBytes } from '@flowgento/crypto';
import { sealContext } from './object-names.ts';

/**
 * What a restore needs to trust an uploaded snapshot: where in the chain it
 * stands, the sealed object's size (and, from older versions, checksums of
 * the file and of the sealed object), and the row counts it must reproduce.
 * Sealed with the backup key like everything else in the tier; `keySetup`
 * (non-secret) says which root key opens the file.
 */
export const snapshotManifestSchema = z.object({
  format: z.literal(1),
  installationId: z.string().min(1),
  generation: z.string(),
  baseSequence: z.number().int().nonnegative(),
  atMs: z.number().int().nonnegative(),
  /** The hash the first segment after this snapshot names as its predecessor. */
  chainSha256: z.string().regex(/^[0-9a-f]{64}$/),
  schemaVersion: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  /** The plain file's SHA-256: written by versions before 2026-12; checked when there. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  sealed: z.object({
    size: z.number().int().nonnegative(),
    /**
     * The sealed object's SHA-256: written by versions before 2026-12 and
     * checked when there. Newer snapshots rely on their sealing alone (see
     * `snapshotSealContext`), which authenticates every chunk.
     */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  keySetup: z.looseObject({ mode: z.enum(['file', 'passphrase']), check: z.string() }),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

const contextOf = (m: {
  installationId: string;
  generation: string;
  baseSequence: number;
}) => sealContext(m.installationId, m.generation, `manifest/${m.baseSequence}`);

export function sealManifest(key: Buffer, manifest: SnapshotManifest): Buffer {
  return encryptBytes(key, Buffer.from(JSON.stringify(manifest), 'utf8'), {
    aad: contextOf(manifest),
  });
}

export function openManifest(
  key: Buffer,
  sealed: Buffer,
  where: { installationId: string; generation: string; baseSequence: number },
): SnapshotManifest {
  const plain = decryptBytes(key, sealed, { aad: contextOf(where) });
  const parsed = snapshotManifestSchema.safeParse(JSON.parse(plain.toString('utf8')));
  if (!parsed.success) {
    throw new AppError('PRECONDITION_FAILED', 'A snapshot manifest is malformed', {
      reason: 'backup_manifest_malformed',
    });
  }
  return parsed.data;
}

/**
 * The aad a snapshot's sealed file is bound to. Snapshots whose manifest
 * has no `sealed.sha256` (all since 2026-12) name their time in it too: two
 * snapshots at the same point of the chain (nothing shipped between them)
 * would otherwise open in each other's place, which only that hash told
 * apart. Older ones keep the aad they were sealed with.
 */
export function snapshotSealContext(
  installationId: string,
  s: { generation: string; baseSequence: number; atMs: number },
  sealedSha256?: string,
): string {
  const what =
    sealedSha256 === undefined
      ? `snapshot/${s.baseSequence}/${s.atMs}`
      : `snapshot/${s.baseSequence}`;
  return sealContext(installationId, s.generation, what);
}
