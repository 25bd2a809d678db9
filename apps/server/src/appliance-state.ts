import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@flowgento/core';
import type { KeySetup } from '@flowgento/crypto';
import { writeFileAtomic } from '@flowgento/crypto';
import { CHECKPOINT_FILE } from '@flowgento/store';

/**
 * `appliance.json`: the non-secret facts needed to open the data folder — its
 * installation id (which names the key file) and how the root key is made.
 */
export interface ApplianceState {
  format: 1;
  installationId: string;
  createdAt: string;
  keySetup: KeySetup;
  /**
   * The setup of a new root key while a database rekey is under way; the next
   * open finishes or undoes the switch (see `keys/rekey.ts`).
   */
  pendingKeySetup?: KeySetup;
}

const keySetupSchema = z.looseObject({
  mode: z.enum(['file', 'passphrase']),
  check: z.string(),
});

const stateSchema = z.object({
  format: z.literal(1),
  installationId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
  createdAt: z.string(),
  keySetup: keySetupSchema,
  pendingKeySetup: keySetupSchema.optional(),
});

export const dataPaths = (dataDir: string) => ({
  state: join(dataDir, 'appliance.json'),
  database: join(dataDir, 'flowgento.db'),
  /** The database as it was before a rekey, kept until the rekey ends. */
  preRekeyCopy: join(dataDir, 'flowgento.db.pre-rekey'),
  tls: join(dataDir, 'tls'),
  /** Where the audit chain reached, now and then: outside the database on purpose. */
  auditCheckpoints: join(dataDir, CHECKPOINT_FILE),
});

export function readApplianceState(dataDir: string): ApplianceState | undefined {
  const path = dataPaths(dataDir).state;
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AppError(
      'CONFIG_INVALID',
      `${path} is not valid JSON; restore it from a backup`,
    );
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AppError(
      'CONFIG_INVALID',
      `${path} is damaged (${issue?.path.join('.')}: ${issue?.message}); restore it from a backup`,
    );
  }
  return result.data;
}

export function writeApplianceState(dataDir: string, state: ApplianceState): void {
  writeFileAtomic(dataPaths(dataDir).state, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
