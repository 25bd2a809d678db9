import { createHash, randomBytes } from 'node:crypto';
import { AppError, newId } from '@flowgento/core';
import type { BackupKeyRecord, Store } from '@flowgento/store';

const KEY_BYTES = 32;

/** Seals and opens stored secrets: the key ring (`@flowgento/messaging`). */
export interface SecretSealer {
  wrap(plaintext: string, aad: string): Buffer;
  unwrapText(blob: Buffer, aad: string): string;
}

/** The key backups are sealed with, as the engine takes it. */
export interface BackupKey {
  key: Buffer;
  /** 16 hex characters naming the key on every object it seals. */
  fingerprint: string;
  createdAt: number;
}

/** Where the sealed key is bound: the label `keys rotate` reseals it under. */
export const backupKeyAad = (id: string) => `backup_keys/${id}/key`;

/**
 * The backup key: 32 random bytes made once per appliance, independent of
 * the root key (so neither the database key nor the secrets key can give
 * it, and a new root key after `keys rekey-database` leaves it as it was),
 * kept only sealed by the key ring. The OWNER's recovery kit is the one
 * copy outside the appliance; without it, off-site backups of a lost
 * machine cannot be read.
 */
export class BackupKeys {
  constructor(
    private readonly store: Store,
    private readonly sealer: SecretSealer,
  ) {}

  /**
   * Run once per open, after the key ring is prepared: makes the key on a
   * new appliance, and on the first open of one made before backups had a
   * key. Returns whether it made one.
   */
  ensure(): { created: boolean; fingerprint: string } {
    return this.store.transaction(() => {
      const existing = this.newest();
      if (existing) return { created: false, fingerprint: existing.fingerprint };
      const key = randomBytes(KEY_BYTES);
      const fingerprint = backupKeyFingerprint(key);
      this.store.backupSettings.addKey({
        id: newId(),
        fingerprint,
        wrap: (id) => this.sealer.wrap(key.toString('base64'), backupKeyAad(id)),
      });
      key.fill(0);
      return { created: true, fingerprint };
    });
  }

  /** The key new backups are sealed with. */
  current(): BackupKey {
    const record = this.newest();
    if (!record) {
      throw new AppError('INTERNAL', 'This appliance has no backup key yet', {
        reason: 'backup_key_missing',
      });
    }
    return this.open(record);
  }

  /** The key a sealed object names, for reading older objects back. */
  byFingerprint(fingerprint: string): BackupKey {
    const record = this.store.backupSettings
      .keys()
      .find((candidate) => candidate.fingerprint === fingerprint);
    if (!record) {
      throw new AppError(
        'NOT_FOUND',
        `No backup key has the fingerprint ${fingerprint}`,
        {
          reason: 'backup_key_unknown',
        },
      );
    }
    return this.open(record);
  }

  /** The current key's fingerprint, for screens: never the key. */
  fingerprint(): string | null {
    return this.newest()?.fingerprint ?? null;
  }

  private newest(): BackupKeyRecord | undefined {
    return this.store.backupSettings.keys().at(-1);
  }

  private open(record: BackupKeyRecord): BackupKey {
    const text = this.sealer.unwrapText(record.keyWrapped, backupKeyAad(record.id));
    const key = Buffer.from(text, 'base64');
    // A key that unseals but no longer matches its name must not seal anything.
    if (key.length !== KEY_BYTES || backupKeyFingerprint(key) !== record.fingerprint) {
      throw new AppError('INTERNAL', 'The stored backup key does not match its name', {
        reason: 'backup_key_mismatch',
      });
    }
    return { key, fingerprint: record.fingerprint, createdAt: record.createdAt };
  }
}

/**
 * 64 bits of a domain-separated SHA-256 of the key: enough to tell keys
 * apart on objects and on paper, and no help in guessing the key.
 */
export function backupKeyFingerprint(key: Buffer): string {
  return createHash('sha256')
    .update('flowgento backup key fingerprint\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}
