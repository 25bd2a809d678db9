import { AppError } from '@flowgento/core';
import {
  isSealedSecret,
  newMasterKey,
  sealedKeyId,
  sealSecret,
  unsealSecret,
  unsealSecretText,
  unwrapSecret,
  unwrapSecretText,
  wrapSecret,
  type MasterKey,
} from '@flowgento/crypto';
import type { Store } from '@flowgento/store';
import type { SecretBox } from './secret-box.ts';

/** What a rotation did, for the audit entry and the operator. */
export interface RotationResult {
  retiredKeyIds: string[];
  activeKeyId: string;
  rewrapped: number;
}

/**
 * Stored secrets under the key ring: each secret is sealed with its own data
 * key, wrapped by the active master key, and names that key. Master keys are
 * kept in the database wrapped by the root key's secrets subkey.
 *
 * Version-1 blobs (wrapped directly by the secrets subkey, before the ring
 * existed) are still read, and `prepare` reseals them on the first open.
 */
export class KeyRing implements SecretBox {
  constructor(
    private readonly store: Store,
    private readonly secretsKey: Buffer,
  ) {}

  /**
   * Run once per open, after migrations: creates the first master key and
   * reseals any version-1 blob under it, in one transaction.
   */
  prepare(): { created: boolean; upgraded: number } {
    const legacy = () =>
      this.store.wrappedSecrets.all().filter((secret) => !isSealedSecret(secret.blob));
    if (this.store.keyRing.active() && legacy().length === 0) {
      return { created: false, upgraded: 0 };
    }
    return this.store.transaction(() => {
      const created = this.store.keyRing.active() === undefined;
      if (created) this.addMasterKey();
      const master = this.activeKey();
      const upgrade = legacy();
      for (const secret of upgrade) {
        const plaintext = unwrapSecret(this.secretsKey, secret.blob, secret.aad);
        this.store.wrappedSecrets.replace(
          secret,
          sealSecret(master, plaintext, secret.aad),
        );
      }
      return { created, upgraded: upgrade.length };
    });
  }

  wrap(plaintext: string, aad: string): Buffer {
    return sealSecret(this.activeKey(), plaintext, aad);
  }

  unwrapText(blob: Buffer, aad: string): string {
    if (!isSealedSecret(blob)) return unwrapSecretText(this.secretsKey, blob, aad);
    return unsealSecretText(this.masterKey(sealedKeyId(blob)), blob, aad);
  }

  activeKeyId(): string {
    return this.activeEntry().id;
  }

  /**
   * Makes a new master key, reseals every stored secret under it (each with a
   * fresh data key) and retires the old key, erasing its material. Runs in the
   * caller's transaction when there is one, so its audit entry can join it.
   */
  rotate(): RotationResult {
    return this.store.transaction(() => {
      const retiring = this.store.keyRing
        .all()
        .filter((entry) => entry.retiredAt === null);
      const secrets = this.store.wrappedSecrets.all();
      const plaintexts = secrets.map((secret) =>
        this.unwrapBytes(secret.blob, secret.aad),
      );

      for (const entry of retiring) this.store.keyRing.retire(entry.id);
      const master = this.addMasterKey();
      secrets.forEach((secret, index) => {
        const plaintext = plaintexts[index]!;
        this.store.wrappedSecrets.replace(
          secret,
          sealSecret(master, plaintext, secret.aad),
        );
        plaintext.fill(0);
      });
      return {
        retiredKeyIds: retiring.map((entry) => entry.id),
        activeKeyId: master.id,
        rewrapped: secrets.length,
      };
    });
  }

  private unwrapBytes(blob: Buffer, aad: string): Buffer {
    if (!isSealedSecret(blob)) return unwrapSecret(this.secretsKey, blob, aad);
    return unsealSecret(this.masterKey(sealedKeyId(blob)), blob, aad);
  }

  private addMasterKey(): MasterKey {
    const master = newMasterKey();
    this.store.keyRing.add(
      master.id,
      wrapSecret(this.secretsKey, master.key, ringAad(master.id)),
    );
    return master;
  }

  private activeEntry() {
    const entry = this.store.keyRing.active();
    if (!entry) {
      throw new AppError('INTERNAL', 'The key ring has no active master key', {
        reason: 'key_ring_empty',
      });
    }
    return entry;
  }

  private activeKey(): MasterKey {
    return this.masterKey(this.activeEntry().id);
  }

  private masterKey(id: string): MasterKey {
    const entry = this.store.keyRing.get(id);
    if (!entry) {
      throw new AppError(
        'KEY_REJECTED',
        'A stored secret names a master key the ring does not hold',
        {
          reason: 'secret_key_unknown',
        },
      );
    }
    if (entry.wrappedKey === null) {
      throw new AppError('KEY_REJECTED', 'A stored secret names a retired master key', {
        reason: 'secret_key_retired',
      });
    }
    return { id, key: unwrapSecret(this.secretsKey, entry.wrappedKey, ringAad(id)) };
  }
}

/** The label a master key is wrapped with, binding it to its ring entry. */
export function ringAad(id: string): string {
  return `key_ring/${id}`;
}
