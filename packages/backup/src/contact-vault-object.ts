import { AppError, isAppError } from '@flowgento/core';
import { decryptBytes, encryptBytes } from '@flowgento/crypto';
import type { TierProviders, TierStore } from '@flowgento/storage';
import { readObject } from './restore/download.ts';
import { sha256Of } from './wal/segment.ts';

/**
 * The contact vault (erasure ledger, issue 8) in the backup tier: ONE
 * mutable object, sealed with the backup key, replaced after every change.
 * Unlike snapshots and segments it is never restored from an older copy: a
 * restore takes the current one, so erasures made after the restored point
 * are re-applied. Outside `db/`, so the chain's listing and retention never
 * see it.
 */
export const CONTACT_VAULT_PREFIX = 'vault/';

const keyOf = (sha256: string) => `${CONTACT_VAULT_PREFIX}contact-keys-${sha256}`;
const aadOf = (installationId: string) => `flowgento contact vault/${installationId}`;

/** Seals and uploads the vault's bytes, then deletes the copies it replaces. */
export async function uploadContactVault(input: {
  tier: Pick<TierStore, 'put' | 'delete'>;
  providers: TierProviders;
  backupKey: Buffer;
  installationId: string;
  bytes: Buffer;
}): Promise<string> {
  const sealed = encryptBytes(input.backupKey, input.bytes, {
    aad: aadOf(input.installationId),
  });
  const key = keyOf(sha256Of(sealed));
  await input.tier.put('appliance', 'backup', key, () => sealed);
  for (const { provider } of input.providers.providersOf('appliance', 'backup')) {
    for await (const old of provider.list(CONTACT_VAULT_PREFIX)) {
      if (old.key !== key) await input.tier.delete('appliance', 'backup', old.key);
    }
  }
  return key;
}

/** The newest vault in the backup tier, opened; undefined when none was uploaded. */
export async function downloadContactVault(input: {
  providers: TierProviders;
  backupKey: Buffer;
  installationId: string;
}): Promise<Buffer | undefined> {
  let newest: { key: string; size: number; modifiedAt: number } | undefined;
  let holder;
  for (const { provider } of input.providers.providersOf('appliance', 'backup')) {
    for await (const object of provider.list(CONTACT_VAULT_PREFIX)) {
      if (!newest || object.modifiedAt > newest.modifiedAt) {
        newest = object;
        holder = provider;
      }
    }
  }
  if (!newest || !holder) return undefined;
  const sha256 = newest.key.slice(keyOf('').length);
  const sealed = await readObject(holder, newest.key, {
    size: newest.size,
    sha256,
  }).catch((cause: unknown) => {
    throw vaultDamaged(newest.key, cause);
  });
  try {
    return decryptBytes(input.backupKey, sealed, { aad: aadOf(input.installationId) });
  } catch (cause) {
    // Sealed with the backup key and bound to the installation id: the
    // cipher's own error would name neither.
    throw new AppError(
      'PRECONDITION_FAILED',
      `The contact vault in the backup tier could not be opened with this backup ` +
        `key for installation ${input.installationId}: check the backup key and ` +
        'the installation id against the recovery kit',
      { reason: 'contact_vault_unopenable', cause },
    );
  }
}

/**
 * Bytes that are not the ones written (its name carries their SHA-256): a
 * damaged copy of the tier. Said as such rather than as an internal failure,
 * since the operator can act on it (another copy of the backup tier). Other
 * read failures keep their own typed error.
 */
function vaultDamaged(key: string, cause: unknown): unknown {
  if (!isAppError(cause) || cause.reason !== 'checksum_mismatch') return cause;
  return new AppError(
    'PRECONDITION_FAILED',
    `The contact vault in the backup tier (${key}) is damaged: its bytes are ` +
      'not the ones written. Restore from another copy of the backup tier',
    { reason: 'contact_vault_damaged', cause },
  );
}
