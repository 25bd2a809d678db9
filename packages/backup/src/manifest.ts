import { z } from 'zod';

/** Tables whose row counts a restore must reproduce exactly. */
export const COUNTED_TABLES = [
  'workspaces',
  'users',
  'members',
  'whatsapp_numbers',
  'contacts',
  'conversations',
  'messages',
  'message_statuses',
  'audit_log',
] as const;

export const manifestSchema = z.object({
  format: z.literal(1),
  createdAt: z.string(),
  installationId: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  file: z.string().regex(/^[A-Za-z0-9._-]+$/),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Files of the data folder kept beside the snapshot (configuration, TLS). */
  files: z
    .array(
      z.object({
        name: z.string().regex(/^(tls\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .default([]),
  /** Non-secret: how the root key is made, so a restore can ask for the right one. */
  keySetup: z.looseObject({ mode: z.enum(['file', 'passphrase']), check: z.string() }),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export const MANIFEST_FILE = 'manifest.json';
export const SNAPSHOT_FILE = 'flowgento.db';
export const FILES_DIR = 'files';
